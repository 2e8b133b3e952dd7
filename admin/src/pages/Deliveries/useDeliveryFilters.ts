import { useSearchParams } from 'react-router-dom';
import {
  DELIVERY_FILTER_KEYS,
  DELIVERY_PAGE_SIZE,
  type DeliveryFilters,
  type DeliveryListQuery,
} from '../../../../shared/contracts/deliveries';

export const NO_FILTERS: DeliveryFilters = {
  status: '',
  direction: '',
  action: '',
  email: '',
  warnings: '',
  from: '',
  to: '',
};

/**
 * The delivery log's filters and page, kept in the URL (`?status=failed&email=ann&page=2`), so that a link, a reload
 * or the browser's Back button shows the same log. The URL is the only copy: nothing here is React state.
 */
export function useDeliveryFilters() {
  const [params, setParams] = useSearchParams();

  const filters: DeliveryFilters = { ...NO_FILTERS };
  for (const key of DELIVERY_FILTER_KEYS) filters[key] = params.get(key)?.trim() ?? '';
  const asked = Number(params.get('page'));
  const page = Number.isInteger(asked) && asked >= 1 ? asked : 1;

  /** What the list is fetched with; only the keys that are set, so that equal filters give an equal query key. */
  const query: DeliveryListQuery = { page, pageSize: DELIVERY_PAGE_SIZE.default };
  for (const key of DELIVERY_FILTER_KEYS) if (filters[key]) query[key] = filters[key];

  const write = (next: DeliveryFilters, nextPage: number) => {
    const out = new URLSearchParams();
    for (const key of DELIVERY_FILTER_KEYS) if (next[key].trim()) out.set(key, next[key].trim());
    if (nextPage > 1) out.set('page', String(nextPage));
    setParams(out);
  };

  return {
    filters,
    /** Whether any filter is in force (then an empty page means "nothing matches", not "nothing yet"). */
    filtered: DELIVERY_FILTER_KEYS.some((key) => filters[key] !== ''),
    page,
    query,
    /** New filters start again at page 1. */
    apply: (next: DeliveryFilters) => write(next, 1),
    reset: () => write(NO_FILTERS, 1),
    setPage: (next: number) => write(filters, next),
  };
}
