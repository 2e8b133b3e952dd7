import {
  Box,
  Button,
  Field,
  Grid,
  IconButton,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import type * as React from 'react';
import { mappingTypesFor } from '../../../../../shared/contracts/mapping-compat';
import { MAPPING_DIRECTIONS, type MappingDirection } from '../../../../../shared/contracts/outbound';
import { MAPPING_TYPES, type AdminSettings, type MappingRow } from '../../../../../shared/contracts/settings';
import { Section } from '../../../components/Section';
import { useT, type MessageKey } from '../../../utils/useT';
import { prefilledType, targetTypesOf } from '../mappingIssues';
import type { SettingsForm } from '../useSettingsForm';

interface Props {
  data: AdminSettings;
  form: SettingsForm;
  disabled: boolean;
}

const EMPTY_ROW: MappingRow = { from: '', to: '', type: 'string' };

/** Customerly fields copied onto the user: one row per field. */
export function FieldMappingSection({ data, form, disabled }: Props) {
  const t = useT();
  const rows = form.values.fieldMapping;
  const targets = [...data.meta.userAttributes.map((a) => a.name), ...data.meta.loginTargets];
  const targetTypes = targetTypesOf(data);
  const update = (i: number, patch: Partial<MappingRow>) =>
    form.set(
      'fieldMapping',
      rows.map((r, j) => (j === i ? { ...r, ...patch } : r))
    );
  /** Picking a target pre-fills the type its attribute takes. */
  const pickTarget = (i: number, to: string) => update(i, { to, type: prefilledType(data, to) ?? rows[i].type });
  const listError = form.errorOf('fieldMapping');
  const remove = (i: number) =>
    form.set(
      'fieldMapping',
      rows.filter((_, j) => j !== i)
    );

  return (
    <Section title={t('mapping.title')} id="customerly-mapping">
      <Typography textColor="neutral600">{t('mapping.hint')}</Typography>
      {rows.length === 0 && <Typography textColor="neutral500">{t('mapping.empty')}</Typography>}
      {listError && (
        <Typography textColor="danger600" role="alert">
          {listError}
        </Typography>
      )}
      {rows.map((row, i) => (
        <MappingRowFields
          key={i}
          index={i}
          row={row}
          targets={targets}
          attributeType={row.to ? targetTypes[row.to] : undefined}
          form={form}
          disabled={disabled}
          onChange={(patch) => update(i, patch)}
          onPickTarget={(to) => pickTarget(i, to)}
          onRemove={() => remove(i)}
        />
      ))}
      <Box>
        <Button
          variant="secondary"
          startIcon={<Plus />}
          disabled={disabled}
          onClick={() => form.set('fieldMapping', [...rows, { ...EMPTY_ROW }])}
        >
          {t('mapping.add')}
        </Button>
      </Box>
    </Section>
  );
}

interface RowProps {
  index: number;
  row: MappingRow;
  /** The user attributes a row may write to. */
  targets: string[];
  /** The attribute type of the row's target; undefined: no target yet, or one the panel does not know. */
  attributeType: string | undefined;
  form: SettingsForm;
  disabled: boolean;
  onChange: (patch: Partial<MappingRow>) => void;
  onPickTarget: (to: string) => void;
  onRemove: () => void;
}

/**
 * One mapping row: Customerly field → user attribute, as a type. Each field shows its message: the server's from the
 * last save, else the panel's own check (a type the target cannot take, a target another row has).
 */
function MappingRowFields({
  index: i,
  row,
  targets,
  attributeType,
  form,
  disabled,
  onChange,
  onPickTarget,
  onRemove,
}: RowProps) {
  const t = useT();
  const path = (field: keyof MappingRow) => `fieldMapping.${i}.${field}`;
  // A target the user type no longer has stays selectable, so that the row shows what is saved.
  const options = [...new Set([...targets, ...(row.to ? [row.to] : [])])];
  const allowedTypes = attributeType ? mappingTypesFor(attributeType) : [];
  // A message about the row as a whole (not one of its fields), e.g. an unknown key.
  const rowError = form.errorOf(`fieldMapping.${i}`) ?? form.errorOf(path('writeEmpty'));
  return (
    <Grid.Root gap={3} data-testid={`mapping-row-${i}`}>
      <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
        <Field.Root name={path('from')} error={form.errorOf(path('from'))}>
          <Field.Label>{t('mapping.from')}</Field.Label>
          <TextInput
            value={row.from}
            placeholder="attributes.plan"
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange({ from: e.target.value })}
            disabled={disabled}
          />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
        <Field.Root name={path('to')} error={form.errorOf(path('to'))}>
          <Field.Label>{t('mapping.to')}</Field.Label>
          <SingleSelect
            value={row.to || undefined}
            placeholder="—"
            onChange={(v) => onPickTarget(String(v))}
            disabled={disabled}
          >
            {options.map((name) => (
              <SingleSelectOption key={name} value={name}>
                {name}
              </SingleSelectOption>
            ))}
          </SingleSelect>
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
        <Field.Root
          name={path('type')}
          error={form.errorOf(path('type'))}
          hint={attributeType ? t('mapping.typeHint', { attributeType, allowed: allowedTypes.join(', ') }) : undefined}
        >
          <Field.Label>{t('mapping.type')}</Field.Label>
          <SingleSelect
            value={row.type}
            onChange={(v) => onChange({ type: String(v) as MappingRow['type'] })}
            disabled={disabled}
          >
            {MAPPING_TYPES.map((type) => (
              <SingleSelectOption key={type} value={type}>
                {type}
              </SingleSelectOption>
            ))}
          </SingleSelect>
          <Field.Hint />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={3} s={4} direction="column" alignItems="stretch">
        <Field.Root name={path('direction')} error={form.errorOf(path('direction'))}>
          <Field.Label>{t('mapping.direction')}</Field.Label>
          <SingleSelect
            value={row.direction ?? 'in'}
            onChange={(v) => onChange({ direction: String(v) as MappingDirection })}
            disabled={disabled}
          >
            {MAPPING_DIRECTIONS.map((d) => (
              <SingleSelectOption key={d} value={d}>
                {t(`mapping.direction.${d}` as MessageKey)}
              </SingleSelectOption>
            ))}
          </SingleSelect>
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={1} s={2} alignItems="flex-end" paddingTop={6}>
        <IconButton label={t('mapping.remove', { n: i + 1 })} onClick={onRemove} disabled={disabled}>
          <Trash />
        </IconButton>
      </Grid.Item>
      {rowError && (
        <Grid.Item col={12}>
          <Typography textColor="danger600" role="alert">
            {rowError}
          </Typography>
        </Grid.Item>
      )}
    </Grid.Root>
  );
}
