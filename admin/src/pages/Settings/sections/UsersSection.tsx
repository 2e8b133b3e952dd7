import { Checkbox, Field, Grid, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import {
  PROCESSING_MODES,
  USERNAME_FORMATS,
  type ProcessingMode,
  type UsernameFormat,
} from '../../../../../shared/contracts/settings';
import { Section } from '../../../components/Section';
import { useT, type MessageKey } from '../../../utils/useT';
import type { SettingsForm } from '../useSettingsForm';

interface ChoiceProps<T extends string> {
  name: string;
  label: string;
  value: T;
  options: readonly T[];
  labelOf: (option: T) => string;
  onChange: (value: T) => void;
  error?: string;
  disabled: boolean;
}

/** A select over one of the shared lists. */
function Choice<T extends string>({ name, label, value, options, labelOf, onChange, error, disabled }: ChoiceProps<T>) {
  return (
    <Field.Root name={name} error={error}>
      <Field.Label>{label}</Field.Label>
      <SingleSelect value={value} onChange={(v) => onChange(String(v) as T)} disabled={disabled}>
        {options.map((o) => (
          <SingleSelectOption key={o} value={o}>
            {labelOf(o)}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Error />
    </Field.Root>
  );
}

/** How users are created: username, confirmation, and whether a webhook is processed at once or queued. */
export function UsersSection({ form, disabled }: { form: SettingsForm; disabled: boolean }) {
  const t = useT();
  const { usernameFormat, processing, confirmed } = form.values;
  return (
    <Section title={t('users.title')} id="customerly-users">
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Choice<UsernameFormat>
            name="usernameFormat"
            label={t('users.usernameFormat')}
            value={usernameFormat}
            options={USERNAME_FORMATS}
            labelOf={(f) => t(`users.format.${f}` as MessageKey)}
            onChange={(v) => form.set('usernameFormat', v)}
            error={form.errorOf('usernameFormat')}
            disabled={disabled}
          />
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Choice<ProcessingMode>
            name="processing"
            label={t('users.processing')}
            value={processing}
            options={PROCESSING_MODES}
            labelOf={(p) => t(`users.processing.${p}` as MessageKey)}
            onChange={(v) => form.set('processing', v)}
            error={form.errorOf('processing')}
            disabled={disabled}
          />
        </Grid.Item>
        <Grid.Item col={12} direction="column" alignItems="stretch">
          <Checkbox checked={confirmed} disabled={disabled} onCheckedChange={(c) => form.set('confirmed', c === true)}>
            {t('users.confirmed')}
          </Checkbox>
        </Grid.Item>
      </Grid.Root>
    </Section>
  );
}
