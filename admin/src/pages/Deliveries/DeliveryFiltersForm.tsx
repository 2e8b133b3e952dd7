import { Box, Button, Field, Grid, SingleSelect, SingleSelectOption, TextInput } from '@strapi/design-system';
import * as React from 'react';
import {
  DELIVERY_ACTIONS,
  DELIVERY_STATUSES,
  type DeliveryFilterKey,
  type DeliveryFilters,
} from '../../../../shared/contracts/deliveries';
import { useT, type MessageKey } from '../../utils/useT';

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

/** Status, action, email and dates. Give it `key` = the filters in force, so that Back/Forward refill it. */
export function DeliveryFiltersForm({ initial, errors, onApply, onReset }: Props) {
  const t = useT();
  const [draft, setDraft] = React.useState<DeliveryFilters>(initial);
  const change = (name: DeliveryFilterKey, value: string) => setDraft((d) => ({ ...d, [name]: value }));

  const text = (name: DeliveryFilterKey, label: MessageKey, type = 'text') => (
    <Field.Root name={name} error={errors[name]}>
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
    name: 'status' | 'action',
    label: MessageKey,
    options: readonly string[],
    labelOf: (v: string) => string
  ) => (
    <Field.Root name={name} error={errors[name]}>
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

  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={4}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onApply(draft);
        }}
      >
        <Grid.Root gap={3}>
          <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
            {select('status', 'deliveries.filters.status', DELIVERY_STATUSES, (s) => t(`status.${s}` as MessageKey))}
          </Grid.Item>
          <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
            {select('action', 'deliveries.filters.action', DELIVERY_ACTIONS, (a) => a)}
          </Grid.Item>
          <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
            {text('email', 'deliveries.filters.email')}
          </Grid.Item>
          <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
            {text('from', 'deliveries.filters.from', 'date')}
          </Grid.Item>
          <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
            {text('to', 'deliveries.filters.to', 'date')}
          </Grid.Item>
          <Grid.Item col={1} s={12} direction="column" alignItems="stretch" gap={1} paddingTop={6}>
            <Button type="submit" size="S">
              {t('deliveries.filters.apply')}
            </Button>
          </Grid.Item>
        </Grid.Root>
        <Box paddingTop={2}>
          <Button variant="ghost" size="S" type="button" onClick={onReset}>
            {t('deliveries.filters.reset')}
          </Button>
        </Box>
      </form>
    </Box>
  );
}
