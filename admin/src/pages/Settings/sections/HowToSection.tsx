import { Typography } from '@strapi/design-system';
import { Section } from '../../../components/Section';
import { useT } from '../../../utils/useT';

const STEPS = ['howto.step1', 'howto.step2', 'howto.step3'] as const;

/** The three steps that connect Customerly, at the top of the page. */
export function HowToSection() {
  const t = useT();
  return (
    <Section title={t('howto.title')} id="customerly-howto">
      <ol style={{ margin: 0, paddingLeft: 20, display: 'grid', gap: 8 }}>
        {STEPS.map((k) => (
          <li key={k}>
            <Typography>{t(k)}</Typography>
          </li>
        ))}
      </ol>
    </Section>
  );
}
