import { Alert, Button, Divider, Flex, Typography, VisuallyHidden } from '@strapi/design-system';
import { ArrowClockwise, Plus } from '@strapi/icons';
import * as React from 'react';
import { TAG_RULES_MAX, type AdminSettings, type TagRule } from '../../../../../shared/contracts/settings';
import { Section } from '../../../components/Section';
import { useT } from '../../../utils/useT';
import { generalRuleWarnings, ruleRoleChoices, savedRuleWarnings } from '../tagRules';
import type { SettingsForm } from '../useSettingsForm';
import { ApplyTagRulesDialog } from './ApplyTagRulesDialog';
import { TagRuleRow, type MoveDirection } from './TagRuleRow';

interface Props {
  data: AdminSettings;
  form: SettingsForm;
  /** No settings.update permission: the rules are shown, not edited. */
  disabled: boolean;
  /** The jobs.run permission: "Apply rules to existing users". */
  canRunJobs: boolean;
}

/** Tags that give roles, in priority order, and the job that applies the saved rules to the users there are. */
export function TagRulesSection({ data, form, disabled, canRunJobs }: Props) {
  const t = useT();
  const rules = form.values.tagRules;
  const roles = ruleRoleChoices(data, form.values);
  const general = generalRuleWarnings(data);
  const listError = form.errorOf('tagRules');
  const listRef = React.useRef<HTMLDivElement>(null);
  /** After a move, the moved rule's button keeps the focus (the rows are keyed by position). */
  const [moved, setMoved] = React.useState<{ index: number; direction: MoveDirection } | null>(null);
  const [dialogOpen, setDialogOpen] = React.useState(false);

  React.useEffect(() => {
    if (!moved) return;
    const row = listRef.current?.querySelector(`[data-testid="tag-rule-${moved.index}"]`);
    const same = row?.querySelector<HTMLButtonElement>(`button[data-move="${moved.direction}"]`);
    const other = row?.querySelector<HTMLButtonElement>(
      `button[data-move="${moved.direction === 'up' ? 'down' : 'up'}"]`
    );
    (same && !same.disabled ? same : other)?.focus();
  }, [moved]);

  const set = (next: TagRule[]) => form.set('tagRules', next);
  const update = (i: number, patch: Partial<TagRule>) => set(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, direction: MoveDirection) => {
    const to = direction === 'up' ? i - 1 : i + 1;
    if (to < 0 || to >= rules.length) return;
    const next = [...rules];
    [next[i], next[to]] = [next[to], next[i]];
    set(next);
    setMoved({ index: to, direction });
  };
  const remove = (i: number) => set(rules.filter((_, j) => j !== i));
  // With a single role to give, a new rule starts with it.
  const add = () => set([...rules, { tag: '', role: roles.length === 1 ? roles[0].value : '' }]);

  const savedRules = data.settings.tagRules.length;
  const applyBlocker = !canRunJobs
    ? t('tagRules.apply.forbidden')
    : form.modified
      ? t('tagRules.apply.unsaved')
      : savedRules === 0
        ? t('tagRules.apply.noRules')
        : null;

  return (
    <Section title={t('tagRules.title')} id="customerly-tag-rules">
      <Typography textColor="neutral600">{t('tagRules.hint')}</Typography>
      {general.map((w) => (
        <Alert key={w} closeLabel="×" variant="warning" title="" role="status" data-testid="tag-rules-warning">
          {w}
        </Alert>
      ))}
      {rules.length === 0 && <Typography textColor="neutral500">{t('tagRules.empty')}</Typography>}
      {listError && (
        <Typography textColor="danger600" role="alert">
          {listError}
        </Typography>
      )}
      <Flex direction="column" alignItems="stretch" gap={4} ref={listRef} data-testid="tag-rules">
        {rules.map((rule, i) => (
          <TagRuleRow
            key={i}
            index={i}
            count={rules.length}
            rule={rule}
            tags={data.meta.tags}
            roles={roles}
            warnings={savedRuleWarnings(data, rule)}
            form={form}
            disabled={disabled}
            onChange={(patch) => update(i, patch)}
            onMove={(direction) => move(i, direction)}
            onRemove={() => remove(i)}
          />
        ))}
      </Flex>
      <VisuallyHidden aria-live="polite">
        {moved ? t('tagRules.moved', { tag: rules[moved.index]?.tag ?? '', n: moved.index + 1 }) : ''}
      </VisuallyHidden>
      <Flex gap={3} wrap="wrap" alignItems="center">
        <Button
          variant="secondary"
          startIcon={<Plus />}
          disabled={disabled || rules.length >= TAG_RULES_MAX}
          onClick={add}
        >
          {t('tagRules.add')}
        </Button>
        {rules.length >= TAG_RULES_MAX && (
          <Typography textColor="neutral600">{t('tagRules.limit', { max: TAG_RULES_MAX })}</Typography>
        )}
      </Flex>
      <Divider />
      <Flex direction="column" alignItems="flex-start" gap={2}>
        <Button
          variant="default"
          startIcon={<ArrowClockwise />}
          disabled={applyBlocker !== null}
          onClick={() => setDialogOpen(true)}
          aria-describedby="customerly-apply-rules-hint"
        >
          {t('tagRules.apply.button')}
        </Button>
        <Typography id="customerly-apply-rules-hint" variant="pi" textColor="neutral600">
          {applyBlocker ?? t('tagRules.apply.hint')}
        </Typography>
      </Flex>
      <ApplyTagRulesDialog open={dialogOpen} onClose={() => setDialogOpen(false)} />
    </Section>
  );
}
