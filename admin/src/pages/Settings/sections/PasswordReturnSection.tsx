import { Field, TextInput } from '@strapi/design-system';
import type * as React from 'react';
import { Section } from '../../../components/Section';
import { ToggleField } from '../../../components/ToggleField';
import { useT } from '../../../utils/useT';
import type { SettingsForm } from '../useSettingsForm';

/** Writing a generated password back to a Customerly attribute. */
export function PasswordReturnSection({ form, disabled }: { form: SettingsForm; disabled: boolean }) {
  const t = useT();
  const value = form.values.returnPassword;
  return (
    <Section title={t('password.title')} id="customerly-password">
      <ToggleField
        name="returnPassword.enabled"
        label={t('password.toggle')}
        checked={value.enabled}
        onChange={(checked) => form.set('returnPassword', { ...value, enabled: checked })}
        disabled={disabled}
        testId="return-password-toggle"
      />
      <Field.Root
        name="returnPassword.attribute"
        error={form.errorOf('returnPassword.attribute') ?? form.errorOf('returnPassword')}
        hint={t('password.attributeHint')}
      >
        <Field.Label>{t('password.attribute')}</Field.Label>
        <TextInput
          value={value.attribute}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
            form.set('returnPassword', { ...value, attribute: e.target.value })
          }
          disabled={disabled}
        />
        <Field.Hint />
        <Field.Error />
      </Field.Root>
    </Section>
  );
}
