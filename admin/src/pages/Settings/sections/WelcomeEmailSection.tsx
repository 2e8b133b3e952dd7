import { Box, Button, Field, Radio, TextInput, Textarea, Typography } from '@strapi/design-system';
import { Eye } from '@strapi/icons';
import * as React from 'react';
import { DEFAULT_WELCOME, TEMPLATE_VARIABLES } from '../../../../../shared/contracts/email-template';
import type { AdminSettings, EditableSettings } from '../../../../../shared/contracts/settings';
import { Section } from '../../../components/Section';
import { useT } from '../../../utils/useT';
import type { SettingsForm } from '../useSettingsForm';
import { EmailPreview } from './EmailPreview';

type Email = EditableSettings['welcomeEmail'];
type TextField = 'siteName' | 'subject' | 'text' | 'html';

interface Props {
  data: AdminSettings;
  form: SettingsForm;
  disabled: boolean;
}

/** When the welcome email is sent, its template (empty fields: the built-in one), and a preview. */
export function WelcomeEmailSection({ data, form, disabled }: Props) {
  const t = useT();
  const [preview, setPreview] = React.useState(false);
  const email = form.values.welcomeEmail;
  const change = (patch: Partial<Email>) => form.set('welcomeEmail', { ...email, ...patch });

  const field = (name: TextField, label: string, multiline = false) => {
    const props = {
      value: email[name] ?? '',
      placeholder: name === 'siteName' ? undefined : DEFAULT_WELCOME[name],
      onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => change({ [name]: e.target.value }),
      disabled,
    };
    return (
      <Field.Root name={`welcomeEmail.${name}`} error={form.errorOf(`welcomeEmail.${name}`)}>
        <Field.Label>{label}</Field.Label>
        {multiline ? <Textarea {...props} /> : <TextInput {...props} />}
        <Field.Error />
      </Field.Root>
    );
  };

  return (
    <Section title={t('email.title')} id="customerly-email">
      <Field.Root name="welcomeEmail.always">
        <Field.Label>{t('email.when')}</Field.Label>
        <Radio.Group
          value={email.always ? 'always' : 'request'}
          onValueChange={(v: string) => change({ always: v === 'always' })}
          disabled={disabled}
          aria-label={t('email.when')}
        >
          <Radio.Item value="request">{t('email.onRequest')}</Radio.Item>
          <Radio.Item value="always">{t('email.always')}</Radio.Item>
        </Radio.Group>
      </Field.Root>
      <Typography variant="pi" textColor="neutral600">
        {t('email.variables', { vars: TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(' ') })}
      </Typography>
      {field('siteName', t('email.siteName', { variable: '{{siteName}}' }))}
      {field('subject', t('email.subject'))}
      {field('text', t('email.text'), true)}
      {field('html', t('email.html'), true)}
      <Box>
        <Button variant="tertiary" startIcon={<Eye />} onClick={() => setPreview((p) => !p)}>
          {t('email.preview')}
        </Button>
      </Box>
      {preview && <EmailPreview template={email} serverUrl={data.meta.serverUrl} />}
    </Section>
  );
}
