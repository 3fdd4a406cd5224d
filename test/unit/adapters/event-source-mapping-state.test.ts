import { isPolling, isSettled } from '../../../src/adapters/event-source-mapping-state';

const UUID = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

describe('the states of an event source mapping', () => {
  it.each([
    ['Enabled', true, true],
    ['Disabled', true, false],
    ['Enabling', false, true],
    ['Creating', false, true],
    ['Updating', false, true],
    ['Disabling', false, false],
    ['Deleting', false, false],
  ])('count a mapping %s as settled: %s, and as polling (or about to): %s', (state, settled, polling) => {
    const mapping = { uuid: UUID, state };
    expect(isSettled(mapping)).toBe(settled);
    expect(isPolling(mapping)).toBe(polling);
  });
});
