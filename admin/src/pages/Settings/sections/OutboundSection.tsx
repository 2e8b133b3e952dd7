import { Checkbox, Flex, Grid, Typography } from '@strapi/design-system';
import type * as React from 'react';
import { OUTBOUND_USER_IDS, type OutboundUserId } from '../../../../../shared/contracts/outbound';
import type { EditableSettings } from '../../../../../shared/contracts/settings';
import { Choice } from '../../../components/Choice';
import { Section } from '../../../components/Section';
import { ToggleField } from '../../../components/ToggleField';
import { useT, type MessageKey } from '../../../utils/useT';
import type { SettingsForm } from '../useSettingsForm';

type Outbound = EditableSettings['outbound'];
type Trigger = 'onCreate' | 'onUpdate' | 'onTags' | 'onDelete';
const TRIGGERS: readonly Trigger[] = ['onCreate', 'onUpdate', 'onTags', 'onDelete'];

/** Strapi → Customerly: on or off, which changes are sent, and what Customerly's user_id is. */
export function OutboundSection({ form, disabled }: { form: SettingsForm; disabled: boolean }) {
  const t = useT();
  const value = form.values.outbound;
  const set = (next: Partial<Outbound>) => form.set('outbound', { ...value, ...next });
  return (
    <Section title={t('outbound.title')} id="customerly-outbound">
      <Typography variant="omega" textColor="neutral600">
        {t('outbound.description')}
      </Typography>
      <ToggleField
        name="outbound.enabled"
        label={t('outbound.toggle')}
        checked={value.enabled}
        onChange={(checked) => set({ enabled: checked })}
        disabled={disabled}
        testId="outbound-toggle"
      />
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Flex direction="column" alignItems="flex-start" gap={2} data-testid="outbound-triggers">
            {TRIGGERS.map((trigger) => (
              <Checkbox
                key={trigger}
                checked={value[trigger]}
                disabled={disabled || !value.enabled}
                onCheckedChange={(c) => set({ [trigger]: c === true })}
              >
                {t(`outbound.${trigger}` as MessageKey)}
              </Checkbox>
            ))}
          </Flex>
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Choice<OutboundUserId>
            name="outbound.userId"
            label={t('outbound.userId')}
            value={value.userId}
            options={OUTBOUND_USER_IDS}
            labelOf={(o) => t(`outbound.userId.${o}` as MessageKey)}
            onChange={(userId) => set({ userId })}
            error={form.errorOf('outbound.userId')}
            disabled={disabled || !value.enabled}
          />
        </Grid.Item>
      </Grid.Root>
      <Typography variant="pi" textColor="neutral600">
        {t('outbound.noEcho')}
      </Typography>
    </Section>
  );
}
