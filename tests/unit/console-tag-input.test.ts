import { describe, expect, it } from 'vitest';
import { resolveTagInput } from '../../lib/console/client/tag-input.ts';

const KNOWN = [
  { id: 'family-partner', label: '家族・パートナー', labelEn: 'Family and partner' },
  { id: 'money-income', label: '収入・お金', labelEn: 'Money and income' },
  { id: 'care-anxiety', label: '介護・不安・セーフティネット', labelEn: 'Care and anxiety' },
  { id: 'future-demand', label: '需要・将来性', labelEn: 'Future demand' },
];

describe('the tag editor field', () => {
  it('takes the Japanese label editors see, whole or a part only one label has', () => {
    expect(resolveTagInput('家族・パートナー', KNOWN)).toEqual({ id: 'family-partner' });
    expect(resolveTagInput('家族', KNOWN)).toEqual({ id: 'family-partner' });
    expect(resolveTagInput(' お金 ', KNOWN)).toEqual({ id: 'money-income' });
    expect(resolveTagInput('Care and Anxiety', KNOWN)).toEqual({ id: 'care-anxiety' });
  });

  it('takes an id, existing or new, as before', () => {
    expect(resolveTagInput('family-partner', KNOWN)).toEqual({ id: 'family-partner' });
    expect(resolveTagInput('Mentor', KNOWN)).toEqual({ id: 'mentor' });
    expect(resolveTagInput('ｍｅｎｔｏｒ', KNOWN)).toEqual({ id: 'mentor' });
  });

  it('says when a label fits several tags or none, instead of sending something', () => {
    expect(resolveTagInput('・', KNOWN)).toEqual({
      error: 'several',
      labels: ['家族・パートナー', '収入・お金', '介護・不安・セーフティネット', '需要・将来性'],
    });
    expect(resolveTagInput('趣味', KNOWN)).toEqual({ error: 'unknown' });
    expect(resolveTagInput('  ', KNOWN)).toEqual({ error: 'unknown' });
  });
});
