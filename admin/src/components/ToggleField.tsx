import { Field, Toggle } from '@strapi/design-system';
import type * as React from 'react';
import { useT } from '../utils/useT';

interface Props {
  name: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled: boolean;
  testId?: string;
}

/** An on/off setting with its label, and the translated On/Off of the settings form. */
export function ToggleField({ name, label, checked, onChange, disabled, testId }: Props) {
  const t = useT();
  return (
    <Field.Root name={name}>
      <Field.Label>{label}</Field.Label>
      <Toggle
        onLabel={t('settings.toggleOn')}
        offLabel={t('settings.toggleOff')}
        checked={checked}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.checked)}
        disabled={disabled}
        data-testid={testId}
      />
    </Field.Root>
  );
}
