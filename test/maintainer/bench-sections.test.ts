import { describe, expect, it } from 'vitest';
import { sections, sectionsByLetter } from '../../scripts/maintainer/bench.ts';

describe('npm run bench -- <letters>', () => {
  it('runs every section when no letter is given', () => {
    expect(sectionsByLetter([])).toEqual(sections);
  });

  it('runs only the named sections, in the bench order', () => {
    const titles = sectionsByLetter(['f', 'a']).map((section) => section.title.slice(0, 3));
    expect(titles).toEqual(['(a)', '(f)']);
  });

  it('refuses an unknown letter instead of measuring nothing', () => {
    expect(() => sectionsByLetter(['a', 'z'])).toThrow(/no section "z" \(sections: a, b, c, d, e, f, g, h, i\)/);
  });
});
