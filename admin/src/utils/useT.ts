import { useIntl } from 'react-intl';
import en from '../translations/en.json';
import { getTranslation } from './translations';

export type MessageKey = keyof typeof en;

/** Translates one of this plugin's messages; English is the default. */
export function useT() {
  const { formatMessage } = useIntl();
  return (key: MessageKey, values?: Record<string, string | number>) =>
    formatMessage({ id: getTranslation(key), defaultMessage: en[key] }, values);
}
