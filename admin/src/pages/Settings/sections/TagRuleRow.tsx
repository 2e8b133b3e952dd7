import {
  Combobox,
  ComboboxOption,
  Field,
  Flex,
  Grid,
  IconButton,
  SingleSelect,
  SingleSelectOption,
  Typography,
} from '@strapi/design-system';
import { ArrowDown, ArrowUp, Trash } from '@strapi/icons';
import type { TagRule } from '../../../../../shared/contracts/settings';
import { useT } from '../../../utils/useT';
import { choiceOf, type RoleChoice } from '../tagRules';
import type { SettingsForm } from '../useSettingsForm';

export type MoveDirection = 'up' | 'down';

interface Props {
  index: number;
  count: number;
  rule: TagRule;
  /** The known tag names (the tag entries). */
  tags: string[];
  /** The roles a rule may give (the allowlist). */
  roles: RoleChoice[];
  /** The server's warnings about this rule as saved (skipped now). */
  warnings: string[];
  form: SettingsForm;
  disabled: boolean;
  onChange: (patch: Partial<TagRule>) => void;
  onMove: (direction: MoveDirection) => void;
  onRemove: () => void;
}

/**
 * One tag rule: its position, the tag (picked from the known tags or typed), the role (from the allowlist only),
 * and buttons to move it up or down and to remove it. Its fields show the server's messages from the last save, else
 * the panel's own check; below, the warnings about the saved rule.
 */
export function TagRuleRow({
  index: i,
  count,
  rule,
  tags,
  roles,
  warnings,
  form,
  disabled,
  onChange,
  onMove,
  onRemove,
}: Props) {
  const t = useT();
  const n = i + 1;
  const path = (field: keyof TagRule) => `tagRules.${i}.${field}`;
  // A role the allowlist no longer has stays in the list, as it is written, so that the row shows what it holds (with
  // its message).
  const current = rule.role ? choiceOf(roles, rule.role) : undefined;
  const options: RoleChoice[] =
    rule.role && !current ? [...roles, { value: rule.role, label: rule.role, exists: true }] : roles;
  const rowError = form.errorOf(`tagRules.${i}`);

  return (
    <Grid.Root gap={3} data-testid={`tag-rule-${i}`} role="group" aria-label={t('tagRules.position', { n })}>
      <Grid.Item col={1} s={12} alignItems="flex-start" paddingTop={7}>
        <Typography variant="omega" fontWeight="bold" textColor="neutral600" aria-hidden>
          {n}.
        </Typography>
      </Grid.Item>
      <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
        <Field.Root name={path('tag')} error={form.errorOf(path('tag'))}>
          <Field.Label>{t('tagRules.tag')}</Field.Label>
          <Combobox
            allowCustomValue
            autocomplete={{ type: 'list', filter: 'contains' }}
            textValue={rule.tag}
            onTextValueChange={(tag: string) => onChange({ tag })}
            value={rule.tag || undefined}
            onChange={(tag?: string) => tag !== undefined && tag !== rule.tag && onChange({ tag })}
            placeholder={t('tagRules.tagPlaceholder')}
            noOptionsMessage={() => t('tagRules.newTag')}
            disabled={disabled}
          >
            {tags.map((tag) => (
              <ComboboxOption key={tag} value={tag}>
                {tag}
              </ComboboxOption>
            ))}
          </Combobox>
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
        <Field.Root name={path('role')} error={form.errorOf(path('role'))}>
          <Field.Label>{t('tagRules.role')}</Field.Label>
          <SingleSelect
            value={current?.value ?? (rule.role || undefined)}
            placeholder="—"
            onChange={(v) => onChange({ role: String(v) })}
            disabled={disabled}
          >
            {options.map((c) => (
              <SingleSelectOption key={c.value} value={c.value}>
                {c.exists ? c.label : t('tagRules.roleMissing', { role: c.label })}
              </SingleSelectOption>
            ))}
          </SingleSelect>
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={2} s={12} paddingTop={6}>
        <Flex gap={1}>
          <IconButton
            label={t('tagRules.moveUp', { n })}
            onClick={() => onMove('up')}
            disabled={disabled || i === 0}
            data-move="up"
          >
            <ArrowUp />
          </IconButton>
          <IconButton
            label={t('tagRules.moveDown', { n })}
            onClick={() => onMove('down')}
            disabled={disabled || i === count - 1}
            data-move="down"
          >
            <ArrowDown />
          </IconButton>
          <IconButton label={t('tagRules.remove', { n })} onClick={onRemove} disabled={disabled}>
            <Trash />
          </IconButton>
        </Flex>
      </Grid.Item>
      {rowError && (
        <Grid.Item col={12}>
          <Typography textColor="danger600" role="alert">
            {rowError}
          </Typography>
        </Grid.Item>
      )}
      {warnings.map((w) => (
        <Grid.Item key={w} col={12}>
          <Typography textColor="warning600" data-testid={`tag-rule-${i}-warning`}>
            {w}
          </Typography>
        </Grid.Item>
      ))}
    </Grid.Root>
  );
}
