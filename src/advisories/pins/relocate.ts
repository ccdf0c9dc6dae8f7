import type { Location } from '../../sbom/model.ts';
import type { PinReport } from './report.ts';

/**
 * The same report with every path passed through `pathOf`: scans see tree paths (`/requirements.txt`),
 * people and code scanning want paths relative to where they ran the command.
 */
export function relocateReport(report: PinReport, pathOf: (treePath: string) => string): PinReport {
  const move = <T extends { location: Location }>(item: T): T => ({
    ...item,
    location: { ...item.location, path: pathOf(item.location.path) },
  });
  return {
    ...report,
    files: report.files.map(pathOf),
    requirements: report.requirements.map((r) => {
      const moved = move(r);
      if (r.pinnedByConstraint) moved.pinnedByConstraint = move(r.pinnedByConstraint);
      return moved;
    }),
    constraints: report.constraints.map(move),
    indexes: report.indexes.map(move),
    installerOptions: report.installerOptions.map(move),
    findings: report.findings.map((f) => (f.location ? move(f as typeof f & { location: Location }) : f)),
    problems: report.problems.map((p) => (p.path === undefined ? p : { ...p, path: pathOf(p.path) })),
    ...(report.unreadable
      ? {
          unreadable:
            report.unreadable.path === undefined
              ? report.unreadable
              : { ...report.unreadable, path: pathOf(report.unreadable.path) },
        }
      : {}),
  };
}
