import { useIntl } from 'react-intl';

/** A time as the admin's locale writes it (date and time, seconds included), from an ISO string. */
export function useFormatWhen() {
  const { formatDate, formatTime } = useIntl();
  return (iso: string): string => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return `${formatDate(d, { dateStyle: 'medium' })} ${formatTime(d, { timeStyle: 'medium' })}`;
  };
}
