import { useForm, useNotification, type FormHelpers } from '@strapi/strapi/admin';
import * as React from 'react';
import type { AdminSettings, EditableSettings, SettingsSave } from '../../../../shared/contracts/settings';
import { ApiError, errorMessage } from '../../api/client';
import { useSaveSettings } from '../../api/queries';
import { useT } from '../../utils/useT';
import { useMappingIssues } from './mappingIssues';
import { useTagRuleIssues } from './tagRules';

/** The API token field: a new token typed in, or the saved one to be removed. Never the saved value itself. */
export interface TokenEdit {
  input: string;
  clear: boolean;
}
export const NO_TOKEN_EDIT: TokenEdit = { input: '', clear: false };

/**
 * What Strapi's `<Form>` holds for this page: the settings being edited and the API token edit. The form compares
 * them deeply with what was loaded (or last saved): Save is enabled, and leaving the page asks first, only when they
 * differ.
 */
export interface SettingsFormValues {
  settings: EditableSettings;
  token: TokenEdit;
}

/** The server's per-field messages, keyed by path ("fieldMapping.0.type"), as the form's errors. */
type FieldErrors = Record<string, string>;

/** A tag rule's role is checked against the allowlist (or, when it is empty, the default role). */
const RULE_ROLE_ERROR = /^tagRules\.\d+\.role$/;
/** The server's messages about other fields that an edit of a setting makes stale. */
const ALSO_STALE: Partial<Record<keyof EditableSettings, RegExp>> = {
  allowedRoles: RULE_ROLE_ERROR,
  defaultRole: RULE_ROLE_ERROR,
};

export const formValuesOf = (settings: EditableSettings): SettingsFormValues => ({
  settings: structuredClone(settings),
  token: { ...NO_TOKEN_EDIT },
});

/** The request body of a save: the whole form (secrets: absent = keep, '' = remove). */
function saveBody(data: AdminSettings, { settings, token }: SettingsFormValues): SettingsSave {
  const out: SettingsSave = { ...settings };
  if (data.locked.apiUrl) delete out.apiUrl;
  if (token.clear) out.apiToken = '';
  else if (token.input.trim()) out.apiToken = token.input.trim();
  return out;
}

/**
 * The `onSubmit` of the page's `<Form>`: saves, then makes what the server stored the form's new starting point (so
 * Save is disabled again); a refusal puts the server's per-field messages on the fields.
 */
export function useSubmitSettings(data: AdminSettings) {
  const t = useT();
  const { toggleNotification } = useNotification();
  const saveMutation = useSaveSettings();
  return async (values: SettingsFormValues, helpers: FormHelpers<SettingsFormValues>) => {
    try {
      const stored = await saveMutation.mutateAsync(saveBody(data, values));
      helpers.resetForm(formValuesOf(stored.settings));
      toggleNotification({ type: 'success', message: t('settings.saved') });
    } catch (e) {
      if (e instanceof ApiError) helpers.setErrors(e.fieldErrors);
      toggleNotification({ type: 'danger', message: t('settings.saveError', { message: errorMessage(e) }) });
    }
  };
}

/**
 * The Settings form as the sections use it, inside the page's `<Form>`: the values being edited, the API token edit,
 * each field's message (the server's from the last save, else the panel's own check of the mapping rows and the tag
 * rules), whether
 * anything changed, and whether a save is running.
 */
export function useSettingsForm(data: AdminSettings) {
  const values = useForm('SettingsForm', (s) => s.values) as SettingsFormValues;
  const serverErrors = useForm('SettingsForm', (s) => s.errors) as FieldErrors;
  const modified = useForm('SettingsForm', (s) => s.modified);
  const saving = useForm('SettingsForm', (s) => s.isSubmitting);
  const onChange = useForm('SettingsForm', (s) => s.onChange);
  const setErrors = useForm('SettingsForm', (s) => s.setErrors);
  const mappingIssues = useMappingIssues(data, values.settings.fieldMapping);
  const tagRuleIssues = useTagRuleIssues(data, values.settings);

  /**
   * Editing a field drops the server's messages about it (they were about the old value), and those it decided
   * (ALSO_STALE).
   */
  const set = React.useCallback(
    <K extends keyof EditableSettings>(key: K, value: EditableSettings[K]) => {
      onChange(`settings.${key}`, value);
      const also = ALSO_STALE[key];
      const stale = Object.keys(serverErrors).filter(
        (k) => k === key || k.startsWith(`${key}.`) || (also !== undefined && also.test(k))
      );
      if (stale.length) setErrors(Object.fromEntries(Object.entries(serverErrors).filter(([k]) => !stale.includes(k))));
    },
    [onChange, serverErrors, setErrors]
  );
  const setToken = React.useCallback((token: TokenEdit) => onChange('token', token), [onChange]);

  const messages: FieldErrors = { ...mappingIssues, ...tagRuleIssues, ...serverErrors };
  /** The message for one field ("fieldMapping.0.to"), or for the first field under a prefix. */
  const errorOf = (path: string): string | undefined => messages[path];
  const errorUnder = (prefix: string): string | undefined =>
    Object.entries(messages).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];

  return { values: values.settings, set, token: values.token, setToken, errorOf, errorUnder, modified, saving };
}

export type SettingsForm = ReturnType<typeof useSettingsForm>;
