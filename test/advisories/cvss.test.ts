import assert from 'node:assert/strict';
import { scoreCvss } from '../../src/advisories/cvss.ts';

describe('scoreCvss', () => {
  describe('when vectors are complete', () => {
    // Expected scores: FIRST's calculators (the specification examples), and for the v4 vectors of the
    // stored GHSA fixtures, the scores GitHub and vendors publish next to those vectors.
    const cases: [string, number, string][] = [
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'],
      ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:N', 9.3, 'critical'],
      ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:H', 6.5, 'medium'],
      ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:N/A:N', 3.4, 'low'],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0, 'info'],
      ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, 'critical'],
      ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N', 8.7, 'high'],
      ['CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.3, 'high'],
      ['CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 5.4, 'medium'],
      ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5, 'high'],
    ];
    for (const [vector, score, severity] of cases) {
      it(`scores ${vector} ${score} (${severity})`, () => {
        const result = scoreCvss(vector);
        assert.equal(result?.score, score);
        assert.equal(result?.severity, severity);
      });
    }

    it('gives the CVSS v4 base score (CVSS-B) even when threat metrics are present', () => {
      assert.equal(
        scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U')?.score,
        9.3,
      );
    });
  });

  describe('when vectors are broken', () => {
    it('returns undefined instead of guessing', () => {
      for (const bad of [
        '',
        'garbage',
        'CVSS:3.1/AV:N',
        'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:Q',
        'CVSS:5.0/AV:N',
      ]) {
        assert.equal(scoreCvss(bad), undefined, bad);
      }
    });
  });
});
