import { Box } from '@strapi/design-system';
import * as React from 'react';

/** The moving segment of a bar whose end is not known: it slides across, again and again (not with reduced motion). */
function useSliding(ref: React.RefObject<HTMLDivElement | null>, on: boolean) {
  React.useEffect(() => {
    const el = ref.current;
    if (!on || !el || typeof el.animate !== 'function') return;
    if (window.matchMedia?.('(prefers-reduced-motion: reduce)').matches) return;
    const animation = el.animate([{ transform: 'translateX(-100%)' }, { transform: 'translateX(340%)' }], {
      duration: 1600,
      iterations: Infinity,
      easing: 'ease-in-out',
    });
    return () => animation.cancel();
  }, [ref, on]);
}

/**
 * A job's progress as a bar across its container, with the progressbar role and its value for assistive technology.
 * (The design system's ProgressBar is a short white bar meant for dark backgrounds, and does not expose its value.)
 * `percent` null: the end is not known (an import: Customerly does not say how many contacts it holds); while the job
 * is `active` a segment slides across to show it is moving, with no value; otherwise the bar stays empty.
 */
export function JobProgressBar({
  percent,
  label,
  active = false,
}: {
  percent: number | null;
  label: string;
  active?: boolean;
}) {
  const value = percent === null ? null : Math.max(0, Math.min(100, Math.round(percent)));
  const sliding = value === null && active;
  const segment = React.useRef<HTMLDivElement>(null);
  useSliding(segment, sliding);
  return (
    <Box
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value ?? undefined}
      aria-busy={sliding || undefined}
      background="neutral150"
      hasRadius
      overflow="hidden"
      height="0.8rem"
      width="100%"
    >
      <Box
        ref={segment}
        background="primary600"
        height="100%"
        data-indeterminate={sliding || undefined}
        style={{ width: sliding ? '30%' : `${value ?? 0}%`, transition: 'width 320ms ease-out' }}
      />
    </Box>
  );
}
