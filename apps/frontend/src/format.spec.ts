// @vitest-environment node
import { PLACE_CATEGORIES } from '@satvach/api-contract';
import { describe, expect, it } from 'vitest';
import { categoryLabel, formatDistance, formatRadius } from './format.ts';

describe('formatDistance', () => {
  it.each([
    [0, '0 m'],
    [42.4, '42 m'],
    [42.5, '43 m'],
    [999.4, '999 m'],
  ])('shows %d m below a kilometre as whole metres: %s', (metres, text) => {
    expect(formatDistance(metres)).toBe(text);
  });

  it.each([
    [999.6, '1.0 km'],
    [1000, '1.0 km'],
    [1049, '1.0 km'],
    [1050, '1.1 km'],
    [4321, '4.3 km'],
    [12_000, '12.0 km'],
  ])('shows %d m from a kilometre on with one decimal: %s', (metres, text) => {
    expect(formatDistance(metres)).toBe(text);
  });
});

describe('formatRadius', () => {
  it('says radii the way the selector offers them', () => {
    expect([500, 1000, 5000].map(formatRadius)).toEqual(['500 m', '1 km', '5 km']);
  });
});

describe('categoryLabel', () => {
  it('gives every contract category a label', () => {
    expect(PLACE_CATEGORIES.map(categoryLabel)).toEqual(['Café', 'Restaurant', 'Park', 'Shop', 'Event', 'Service', 'Other']);
  });
});
