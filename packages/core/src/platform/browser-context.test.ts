import { afterEach, describe, expect, it, vi } from 'vitest';
import { staticContext } from './browser-context.js';

describe('staticContext', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('names the zone with Temporal where the runtime has it, without building an Intl.DateTimeFormat', () => {
    vi.stubGlobal('Temporal', { Now: { timeZoneId: () => 'Europe/Paris' } });
    vi.stubGlobal('navigator', { language: 'fr-FR' });
    const format = vi.spyOn(Intl, 'DateTimeFormat');
    expect(staticContext()).toMatchObject({ timezone: 'Europe/Paris', locale: 'fr-FR' });
    expect(format).not.toHaveBeenCalled();
  });

  it('asks Intl where there is no Temporal, or no navigator language', () => {
    const intl = Intl.DateTimeFormat().resolvedOptions();
    vi.stubGlobal('Temporal', undefined);
    vi.stubGlobal('navigator', { language: 'de-DE' });
    expect(staticContext()).toMatchObject({ timezone: intl.timeZone, locale: 'de-DE' });
    vi.stubGlobal('Temporal', { Now: { timeZoneId: () => 'Asia/Tokyo' } });
    vi.stubGlobal('navigator', {});
    expect(staticContext()).toMatchObject({ timezone: 'Asia/Tokyo', locale: intl.locale });
  });
});
