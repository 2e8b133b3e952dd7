import { Box } from '@strapi/design-system';

/**
 * A job's progress as a bar across its container, with the progressbar role and its value for assistive technology.
 * (The design system's ProgressBar is a short white bar meant for dark backgrounds, and does not expose its value.)
 * `percent` null: not known yet (the bar stays empty, with no value).
 */
export function JobProgressBar({ percent, label }: { percent: number | null; label: string }) {
  const value = percent === null ? null : Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <Box
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value ?? undefined}
      background="neutral150"
      hasRadius
      overflow="hidden"
      height="0.8rem"
      width="100%"
    >
      <Box
        background="primary600"
        height="100%"
        style={{ width: `${value ?? 0}%`, transition: 'width 320ms ease-out' }}
      />
    </Box>
  );
}
