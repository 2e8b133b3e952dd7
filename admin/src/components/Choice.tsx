import { Field, SingleSelect, SingleSelectOption } from '@strapi/design-system';

interface ChoiceProps<T extends string> {
  name: string;
  label: string;
  value: T;
  options: readonly T[];
  labelOf: (option: T) => string;
  onChange: (value: T) => void;
  error?: string;
  disabled: boolean;
}

/** A select over one of the shared lists. */
export function Choice<T extends string>({
  name,
  label,
  value,
  options,
  labelOf,
  onChange,
  error,
  disabled,
}: ChoiceProps<T>) {
  return (
    <Field.Root name={name} error={error}>
      <Field.Label>{label}</Field.Label>
      <SingleSelect value={value} onChange={(v) => onChange(String(v) as T)} disabled={disabled}>
        {options.map((o) => (
          <SingleSelectOption key={o} value={o}>
            {labelOf(o)}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Error />
    </Field.Root>
  );
}
