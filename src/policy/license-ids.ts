const VERSIONED_GNU = /^(A?GPL|LGPL|GFDL)-\d\.\d$/;

/**
 * The current SPDX form of a (possibly deprecated) license id: `GPL-2.0` is `GPL-2.0-only`, `GPL-2.0+`
 * is `GPL-2.0-or-later`; any other id is returned as given.
 */
export function currentLicenseId(id: string): string {
  const plus = id.endsWith('+');
  const base = plus ? id.slice(0, -1) : id;
  if (VERSIONED_GNU.test(base)) return `${base}-${plus ? 'or-later' : 'only'}`;
  return id;
}
