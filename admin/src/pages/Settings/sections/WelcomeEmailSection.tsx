import { Alert, Box, Button, Field, Flex, Link, Radio, TextInput, Textarea, Typography } from '@strapi/design-system';
import { Eye, Mail } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { Link as RouterLink } from 'react-router-dom';
import {
  DEFAULT_WELCOME,
  RESET_PAGE_SETTINGS_PATH,
  TEMPLATE_VARIABLES,
} from '../../../../../shared/contracts/email-template';
import type { AdminSettings, EditableSettings } from '../../../../../shared/contracts/settings';
import { errorMessage } from '../../../api/client';
import { useSendTestEmail } from '../../../api/queries';
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

/** users-permissions' Reset password page: a warning with a link to set it when it is missing, else where it is. */
function ResetPageNotice({ page }: { page: string | null }) {
  const t = useT();
  const [dismissed, setDismissed] = React.useState(false);
  if (page) {
    return (
      <Typography variant="pi" textColor="neutral600" data-testid="reset-page-set">
        {t('email.resetPageSet', { page })}
      </Typography>
    );
  }
  if (dismissed) return null;
  return (
    <Alert
      closeLabel="×"
      onClose={() => setDismissed(true)}
      variant="warning"
      title={t('email.noResetPageTitle')}
      data-testid="reset-page-warning"
      action={
        <Link tag={RouterLink} to={RESET_PAGE_SETTINGS_PATH}>
          {t('email.resetPageLink')}
        </Link>
      }
    >
      {t('email.noResetPage')}
    </Alert>
  );
}

/** "Send test email": the form's current template, to the signed-in admin; the result as a notification. */
function SendTestEmail({ email, disabled }: { email: Email; disabled: boolean }) {
  const t = useT();
  const { toggleNotification } = useNotification();
  const send = useSendTestEmail();
  const onClick = () =>
    send.mutate(
      { subject: email.subject, text: email.text, html: email.html, siteName: email.siteName ?? '' },
      {
        onSuccess: (r) => toggleNotification({ type: 'success', message: t('email.testSent', { to: r.to }) }),
        onError: (e) =>
          toggleNotification({ type: 'danger', message: t('email.testFailed', { message: errorMessage(e) }) }),
      }
    );
  return (
    <Button
      variant="secondary"
      startIcon={<Mail />}
      onClick={onClick}
      loading={send.isLoading}
      disabled={disabled || send.isLoading}
      title={t('email.sendTestHint')}
    >
      {send.isLoading ? t('email.sendingTest') : t('email.sendTest')}
    </Button>
  );
}

/** When the welcome email is sent, its template (empty fields: the built-in one), a preview and a test send. */
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
      <ResetPageNotice page={data.meta.resetPasswordPage} />
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
      <Flex gap={2} wrap="wrap">
        <Button variant="tertiary" startIcon={<Eye />} onClick={() => setPreview((p) => !p)}>
          {t('email.preview')}
        </Button>
        <SendTestEmail email={email} disabled={disabled} />
      </Flex>
      <Box>
        <Typography variant="pi" textColor="neutral600">
          {t('email.sendTestHint')}
        </Typography>
      </Box>
      {preview && <EmailPreview template={email} serverUrl={data.meta.serverUrl} />}
    </Section>
  );
}
