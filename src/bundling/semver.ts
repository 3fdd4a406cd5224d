/**
 * `semver` for the function bundles (`Alias` in the functions' BuildProperties). Its one user in the
 * bundles is aws-xray-sdk-core's AWS SDK v2 patcher (`captureAWS`), which calls `semver.gte` to check the
 * v2 SDK's version, and which Powertools Tracer never calls (it patches SDK v3 clients). All of semver
 * costs about 5 ms of every cold start (it compiles its range grammar into regular expressions), so the
 * bundles get this instead: `gte` on release versions (`MAJOR.MINOR.PATCH`, as the v2 SDK's `VERSION` is),
 * and a clear error for anything else. test/template/build.test.ts checks that nothing else in a
 * bundle uses semver.
 */
// As semver reads them: no leading zeros, and no part beyond Number.MAX_SAFE_INTEGER.
const RELEASE = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

const releaseParts = (version: string): [number, number, number] => {
  const match = RELEASE.exec(version.trim());
  const parts = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [];
  if (parts.length !== 3 || !parts.every(Number.isSafeInteger))
    throw new TypeError(`The bundled semver compares release versions only, not "${version}"`);
  return parts as [number, number, number];
};

/** Whether `version` is at or above `minimum`, as semver's `gte` answers for release versions. */
export const gte = (version: string, minimum: string): boolean => {
  const actual = releaseParts(version);
  const wanted = releaseParts(minimum);
  for (const [index, part] of actual.entries()) {
    const other = wanted[index] ?? 0;
    if (part !== other) return part > other;
  }
  return true;
};

export default { gte };
