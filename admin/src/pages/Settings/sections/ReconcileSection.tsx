import { Field, Grid, Link, TextInput, Typography } from '@strapi/design-system';
import type * as React from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { cronProblem } from '../../../../../shared/contracts/cron';
import { IMPORT_MODES } from '../../../../../shared/contracts/jobs';
import { PLUGIN_ID } from '../../../../../shared/contracts/permissions';
import type { AdminSettings } from '../../../../../shared/contracts/settings';
import { Choice } from '../../../components/Choice';
import { Section } from '../../../components/Section';
import { ToggleField } from '../../../components/ToggleField';
import { useT, type MessageKey } from '../../../utils/useT';
import type { SettingsForm } from '../useSettingsForm';

type ImportMode = (typeof IMPORT_MODES)[number];

/** The scheduled import (reconcile): on or off, when (a cron expression), and whether it creates users. */
export function ReconcileSection({
  data,
  form,
  disabled,
}: {
  data: AdminSettings;
  form: SettingsForm;
  disabled: boolean;
}) {
  const t = useT();
  const value = form.values.reconcile;
  const set = (next: Partial<typeof value>) => form.set('reconcile', { ...value, ...next });
  // The server says the same at save; said here as soon as it is typed.
  const typedProblem = value.cron.trim() ? cronProblem(value.cron) : t('reconcile.cronEmpty');
  const nextRun = data.meta.reconcileNextRun;
  const saved = data.settings.reconcile;
  return (
    <Section title={t('reconcile.title')} id="customerly-reconcile">
      <Typography variant="omega" textColor="neutral600">
        {t('reconcile.description')}
      </Typography>
      <Grid.Root gap={4}>
        <Grid.Item col={12} direction="column" alignItems="stretch">
          <ToggleField
            name="reconcile.enabled"
            label={t('reconcile.toggle')}
            checked={value.enabled}
            onChange={(checked) => set({ enabled: checked })}
            disabled={disabled}
            testId="reconcile-toggle"
          />
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Field.Root
            name="reconcile.cron"
            error={form.errorOf('reconcile.cron') ?? (typedProblem || undefined)}
            hint={t('reconcile.cronHint')}
          >
            <Field.Label>{t('reconcile.cron')}</Field.Label>
            <TextInput
              value={value.cron}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ cron: e.target.value })}
              disabled={disabled}
              data-testid="reconcile-cron"
            />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Choice<ImportMode>
            name="reconcile.mode"
            label={t('reconcile.mode')}
            value={value.mode}
            options={IMPORT_MODES}
            labelOf={(m) => t(`jobs.mode.${m}` as MessageKey)}
            onChange={(mode) => set({ mode })}
            error={form.errorOf('reconcile.mode')}
            disabled={disabled}
          />
        </Grid.Item>
        <Grid.Item col={12} direction="column" alignItems="flex-start">
          <Typography variant="pi" textColor="neutral600" data-testid="reconcile-next">
            {saved.enabled && nextRun
              ? t('reconcile.nextRun', { time: new Date(nextRun).toLocaleString() })
              : t('reconcile.off')}
          </Typography>
          <Link tag={RouterLink} to={`/plugins/${PLUGIN_ID}-jobs`}>
            {t('reconcile.jobsLink')}
          </Link>
        </Grid.Item>
      </Grid.Root>
    </Section>
  );
}
