import { useClipboard, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import type { AdminSettings } from '../../../../shared/contracts/settings';
import { errorMessage } from '../../api/client';
import { useRevealSecret, useRotateKey } from '../../api/queries';
import { useT } from '../../utils/useT';

/**
 * The webhook access key on screen: hidden until asked, revealed once from the server and kept in this page only
 * (never in the query cache), rotated with a confirmation, copied alone or inside a URL.
 */
export function useWebhookKey(data: AdminSettings, canUpdate: boolean) {
  const t = useT();
  const { toggleNotification } = useNotification();
  const { copy } = useClipboard();
  const reveal = useRevealSecret();
  const rotateMutation = useRotateKey();
  const [value, setValue] = React.useState<string | null>(null);
  const [shown, setShown] = React.useState(false);
  const state = data.secrets.webhookKey;

  const notifyError = (e: unknown) =>
    toggleNotification({ type: 'danger', message: t('settings.saveError', { message: errorMessage(e) }) });

  /** The key in clear: known already, or revealed now (only for an admin who may update). */
  const current = async (): Promise<string | null> => {
    if (value) return value;
    if (!canUpdate || !state.set) return null;
    const revealed = await reveal.mutateAsync('webhookKey');
    setValue(revealed);
    return revealed;
  };

  const toggleShown = async () => {
    if (!shown) {
      try {
        await current();
      } catch (e) {
        notifyError(e);
        return;
      }
    }
    setShown((s) => !s);
  };

  const rotate = async () => {
    try {
      const r = await rotateMutation.mutateAsync();
      setValue(r.webhookKey);
      setShown(true);
      toggleNotification({ type: 'success', message: t('key.generated') });
    } catch (e) {
      notifyError(e);
    }
  };

  const copyText = async (text: string) => {
    const ok = await copy(text);
    toggleNotification({ type: ok ? 'success' : 'warning', message: t(ok ? 'urls.copied' : 'urls.copyFailed') });
  };

  /** Copies the key, or a text built from it (a webhook URL). */
  const copyWith = async (build: (key: string) => string = (k) => k) => {
    if (!state.set) return toggleNotification({ type: 'warning', message: t('urls.needKey') });
    if (!canUpdate) return toggleNotification({ type: 'warning', message: t('urls.needUpdate') });
    try {
      const key = await current();
      if (key) await copyText(build(key));
    } catch (e) {
      notifyError(e);
    }
  };

  return {
    state,
    /** The key when it is shown, else null. */
    visible: shown && value ? value : null,
    shown,
    toggleShown,
    rotate,
    rotating: rotateMutation.isLoading,
    copyWith,
  };
}

export type WebhookKey = ReturnType<typeof useWebhookKey>;
