import { Checkbox, Grid } from '@strapi/design-system';
import {
  PROCESSING_MODES,
  USERNAME_FORMATS,
  type ProcessingMode,
  type UsernameFormat,
} from '../../../../../shared/contracts/settings';
import { Choice } from '../../../components/Choice';
import { Section } from '../../../components/Section';
import { useT, type MessageKey } from '../../../utils/useT';
import type { SettingsForm } from '../useSettingsForm';

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
