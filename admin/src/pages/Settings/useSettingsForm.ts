import { useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import type { AdminSettings, EditableSettings, SettingsSave } from '../../../../shared/contracts/settings';
import { ApiError, errorMessage } from '../../api/client';
import { useSaveSettings } from '../../api/queries';
import { useT } from '../../utils/useT';

/** The API token field: a new token typed in, or the saved one to be removed. Never the saved value itself. */
export interface TokenEdit {
  input: string;
  clear: boolean;
}
const NO_TOKEN_EDIT: TokenEdit = { input: '', clear: false };

/**
 * The Settings form: the values being edited, the API token edit, the server's per-field errors, and save.
 * Starts from the settings loaded once; a save replaces the values with what the server stored (a later refetch of
 * the same settings does not touch unsaved edits).
 */
export function useSettingsForm(data: AdminSettings) {
  const t = useT();
  const { toggleNotification } = useNotification();
  const saveMutation = useSaveSettings();
  const [saved, setSaved] = React.useState<EditableSettings>(() => structuredClone(data.settings));
  const [values, setValues] = React.useState<EditableSettings>(saved);
  const [token, setToken] = React.useState<TokenEdit>(NO_TOKEN_EDIT);
  const [errors, setErrors] = React.useState<Record<string, string>>({});

  const set = React.useCallback(<K extends keyof EditableSettings>(key: K, value: EditableSettings[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
  }, []);

  /** The server's message for one field ("fieldMapping.0.to"), or for the first field under a prefix. */
  const errorOf = (path: string): string | undefined => errors[path];
  const errorUnder = (prefix: string): string | undefined =>
    Object.entries(errors).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];

  /** Whether anything differs from what the server holds. */
  const modified = token.input.trim() !== '' || token.clear || JSON.stringify(values) !== JSON.stringify(saved);

  const body = (): SettingsSave => {
    const out: SettingsSave = { ...values };
    if (data.locked.apiUrl) delete out.apiUrl;
    if (token.clear) out.apiToken = '';
    else if (token.input.trim()) out.apiToken = token.input.trim();
    return out;
  };

  const save = async () => {
    setErrors({});
    try {
      const stored = await saveMutation.mutateAsync(body());
      const next = structuredClone(stored.settings);
      setSaved(next);
      setValues(next);
      setToken(NO_TOKEN_EDIT);
      toggleNotification({ type: 'success', message: t('settings.saved') });
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.fieldErrors);
      toggleNotification({ type: 'danger', message: t('settings.saveError', { message: errorMessage(e) }) });
    }
  };

  return { values, set, token, setToken, errorOf, errorUnder, modified, save, saving: saveMutation.isLoading };
}

export type SettingsForm = ReturnType<typeof useSettingsForm>;
