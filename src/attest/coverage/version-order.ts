import { compare, valid } from '@renovatebot/pep440';

/** PEP 440 ordering of release versions (for "earlier releases"). */
export class Pep440Order {
  isValid(version: string): boolean {
    return valid(version) !== null;
  }

  compare(a: string, b: string): number {
    return compare(a, b);
  }
}
