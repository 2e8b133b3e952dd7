import { Box, Button, Field, Flex, Grid, SingleSelect, SingleSelectOption, TextInput } from '@strapi/design-system';
import * as React from 'react';
import {
  DELIVERY_ACTIONS,
  DELIVERY_DIRECTIONS,
  DELIVERY_STATUSES,
  DELIVERY_WARNING_FILTERS,
  type DeliveryFilterKey,
  type DeliveryFilters,
} from '../../../../shared/contracts/deliveries';
import { useT, type MessageKey } from '../../utils/useT';
import { NO_FILTERS } from './useDeliveryFilters';

/** The select's value for "any" (a select cannot hold an empty value). */
const ANY = '__any__';

interface Props {
  /** The filters in force (from the URL); the form edits a copy until "Filter" is pressed. */
  initial: DeliveryFilters;
  /** The server's messages for refused filters, by field. */
  errors: Record<string, string>;
  onApply: (filters: DeliveryFilters) => void;
  onReset: () => void;
}

/** `to` before `from` (both YYYY-MM-DD, as date inputs give them, so they compare as text). */
const endsBeforeStart = (f: DeliveryFilters) => !!f.from && !!f.to && f.to < f.from;

/**
 * Status, direction, action, warnings, email and dates. Give it `key` = the filters in force, so that Back/Forward refill it.
 * An end date before the start date is refused here, on the field, and nothing is fetched.
 */
export function DeliveryFiltersForm({ initial, errors, onApply, onReset }: Props) {
  const t = useT();
  const [draft, setDraft] = React.useState<DeliveryFilters>(initial);
  const [local, setLocal] = React.useState<Record<string, string>>({});
  const change = (name: DeliveryFilterKey, value: string) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setLocal({});
  };
  const errorOf = (name: DeliveryFilterKey) => local[name] ?? errors[name];

  const text = (name: DeliveryFilterKey, label: MessageKey, type = 'text') => (
    <Field.Root name={name} error={errorOf(name)}>
      <Field.Label>{t(label)}</Field.Label>
      <TextInput
        type={type}
        value={draft[name]}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => change(name, e.target.value)}
      />
      <Field.Error />
    </Field.Root>
  );
  const select = (
    name: 'status' | 'direction' | 'action' | 'warnings',
    label: MessageKey,
    options: readonly string[],
    labelOf: (v: string) => string
  ) => (
    <Field.Root name={name} error={errorOf(name)}>
      <Field.Label>{t(label)}</Field.Label>
      <SingleSelect value={draft[name] || ANY} onChange={(v) => change(name, String(v) === ANY ? '' : String(v))}>
        <SingleSelectOption value={ANY}>{t('deliveries.filters.any')}</SingleSelectOption>
        {options.map((o) => (
          <SingleSelectOption key={o} value={o}>
            {labelOf(o)}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Error />
    </Field.Root>
  );
  const cell = (children: React.ReactNode) => (
    <Grid.Item col={2} s={6} xs={12} direction="column" alignItems="stretch">
      {children}
    </Grid.Item>
  );

  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={4}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (endsBeforeStart(draft)) setLocal({ to: t('deliveries.filters.fromAfterTo') });
          else onApply(draft);
        }}
      >
        <Grid.Root gap={3}>
          {cell(
            select('status', 'deliveries.filters.status', DELIVERY_STATUSES, (s) => t(`status.${s}` as MessageKey))
          )}
          {cell(
            select('direction', 'deliveries.filters.direction', DELIVERY_DIRECTIONS, (d) =>
              t(`deliveries.direction.${d}` as MessageKey)
            )
          )}
          {cell(select('action', 'deliveries.filters.action', DELIVERY_ACTIONS, (a) => a))}
          {cell(
            select('warnings', 'deliveries.filters.warnings', DELIVERY_WARNING_FILTERS, (w) =>
              t(`deliveries.filters.warnings.${w}` as MessageKey)
            )
          )}
          {cell(text('email', 'deliveries.filters.email'))}
          {cell(text('from', 'deliveries.filters.from', 'date'))}
          {cell(text('to', 'deliveries.filters.to', 'date'))}
        </Grid.Root>
        <Flex gap={2} paddingTop={3}>
          <Button type="submit" size="S">
            {t('deliveries.filters.apply')}
          </Button>
          <Button
            variant="ghost"
            size="S"
            type="button"
            onClick={() => {
              // Also what was typed and not applied (the filters in force may be none already).
              setDraft(NO_FILTERS);
              setLocal({});
              onReset();
            }}
          >
            {t('deliveries.filters.reset')}
          </Button>
        </Flex>
      </form>
    </Box>
  );
}
