import { Button, Checkbox, Field, Flex, Grid, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import * as React from 'react';
import { IMPORT_MODES, IMPORT_SOURCES } from '../../../../shared/contracts/jobs';
import { Section } from '../../components/Section';
import { useT, type MessageKey } from '../../utils/useT';
import { useStartImport, type ImportDraft } from './useStartImport';

/** A dry run first: it is ticked until the admin unticks it. */
const INITIAL: ImportDraft = {
  source: 'both',
  mode: 'update',
  dryRun: true,
  welcomeEmail: false,
  returnPassword: false,
  fetchTags: false,
};

type Flag = 'dryRun' | 'welcomeEmail' | 'returnPassword' | 'fetchTags';
const FLAGS: Array<{ name: Flag; label: MessageKey; hint: MessageKey }> = [
  { name: 'dryRun', label: 'jobs.import.dryRun', hint: 'jobs.import.dryRunHint' },
  { name: 'welcomeEmail', label: 'jobs.import.welcomeEmail', hint: 'jobs.import.welcomeEmailHint' },
  { name: 'returnPassword', label: 'jobs.import.returnPassword', hint: 'jobs.import.returnPasswordHint' },
  { name: 'fetchTags', label: 'jobs.import.fetchTags', hint: 'jobs.import.fetchTagsHint' },
];

/** "Start an import": which contacts, which webhook action they go through, and the options; the server decides. */
export function StartImportForm() {
  const t = useT();
  const [draft, setDraft] = React.useState<ImportDraft>(INITIAL);
  const start = useStartImport();
  const set = <K extends keyof ImportDraft>(name: K, value: ImportDraft[K]) =>
    setDraft((d) => ({ ...d, [name]: value }));

  return (
    <Section title={t('jobs.import.title')} id="customerly-import">
      <form
        noValidate
        data-testid="import-form"
        onSubmit={(e) => {
          e.preventDefault();
          start.run(draft);
        }}
      >
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Grid.Root gap={4}>
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <Field.Root name="source" hint={t('jobs.import.sourceHint')}>
                <Field.Label>{t('jobs.import.source')}</Field.Label>
                <SingleSelect
                  value={draft.source}
                  onChange={(v) => set('source', IMPORT_SOURCES.find((s) => s === String(v)) ?? INITIAL.source)}
                >
                  {IMPORT_SOURCES.map((s) => (
                    <SingleSelectOption key={s} value={s}>
                      {t(`jobs.source.${s}`)}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <Field.Hint />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <Field.Root name="mode" hint={t(`jobs.import.modeHint.${draft.mode}`)}>
                <Field.Label>{t('jobs.import.mode')}</Field.Label>
                <SingleSelect
                  value={draft.mode}
                  onChange={(v) => set('mode', IMPORT_MODES.find((m) => m === String(v)) ?? INITIAL.mode)}
                >
                  {IMPORT_MODES.map((m) => (
                    <SingleSelectOption key={m} value={m}>
                      {t(`jobs.mode.${m}`)}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <Field.Hint />
              </Field.Root>
            </Grid.Item>
            {FLAGS.map(({ name, label, hint }) => (
              <Grid.Item key={name} col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name={name} hint={t(hint)}>
                  <Checkbox checked={draft[name]} onCheckedChange={(c) => set(name, c === true)}>
                    {t(label)}
                  </Checkbox>
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
            ))}
          </Grid.Root>
          <Flex gap={2}>
            <Button type="submit" startIcon={<Play />} loading={start.isLoading} disabled={start.isLoading}>
              {draft.dryRun ? t('jobs.import.startDryRun') : t('jobs.import.start')}
            </Button>
          </Flex>
        </Flex>
      </form>
    </Section>
  );
}
