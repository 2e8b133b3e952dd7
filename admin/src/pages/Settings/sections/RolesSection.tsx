import { Checkbox, Field, Flex, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import type { AdminSettings, SettingsRole } from '../../../../../shared/contracts/settings';
import { Section } from '../../../components/Section';
import { useT } from '../../../utils/useT';
import type { SettingsForm } from '../useSettingsForm';

/** The select's value for "the users-permissions default" (a select cannot hold an empty value). */
const DEFAULT_ROLE = '__default__';

interface Props {
  data: AdminSettings;
  form: SettingsForm;
  disabled: boolean;
}

/** An allowlist entry may name a role by type or by name, in any case. */
const names = (entry: string, role: SettingsRole) =>
  entry.toLowerCase() === role.type.toLowerCase() || entry.toLowerCase() === role.name.toLowerCase();

/** The default role of new users, and the roles a webhook's role= may give. */
export function RolesSection({ data, form, disabled }: Props) {
  const t = useT();
  const { defaultRole, allowedRoles } = form.values;
  const toggle = (role: SettingsRole, on: boolean) =>
    form.set('allowedRoles', on ? [...allowedRoles, role.type] : allowedRoles.filter((a) => !names(a, role)));

  return (
    <Section title={t('roles.title')} id="customerly-roles">
      <Field.Root
        name="defaultRole"
        error={form.errorOf('defaultRole')}
        hint={t('roles.defaultHint', { role: data.meta.upDefaultRole })}
      >
        <Field.Label>{t('roles.default')}</Field.Label>
        <SingleSelect
          value={defaultRole || DEFAULT_ROLE}
          onChange={(v) => form.set('defaultRole', String(v) === DEFAULT_ROLE ? '' : String(v))}
          disabled={disabled}
        >
          <SingleSelectOption value={DEFAULT_ROLE}>{t('roles.defaultNone')}</SingleSelectOption>
          {data.meta.roles.map((r) => (
            <SingleSelectOption key={r.type} value={r.type}>
              {r.name}
            </SingleSelectOption>
          ))}
        </SingleSelect>
        <Field.Hint />
        <Field.Error />
      </Field.Root>
      <Field.Root name="allowedRoles" error={form.errorUnder('allowedRoles')} hint={t('roles.allowedHint')}>
        <Field.Label>{t('roles.allowed')}</Field.Label>
        <Flex gap={6} wrap="wrap" data-testid="allowed-roles">
          {data.meta.roles.map((r) => (
            <Checkbox
              key={r.type}
              name={`allowedRoles.${r.type}`}
              checked={allowedRoles.some((a) => names(a, r))}
              disabled={disabled}
              onCheckedChange={(c) => toggle(r, c === true)}
            >
              {r.name}
            </Checkbox>
          ))}
        </Flex>
        <Field.Hint />
        <Field.Error />
      </Field.Root>
    </Section>
  );
}
