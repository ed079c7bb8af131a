import type { CheckReport, PropertyName } from '../../../src/history/report.js';

/** The messages of the report's violations: all of them, or those of `property`. */
export function messagesIn(report: CheckReport, property?: PropertyName): string[] {
  return report.runs.flatMap((r) =>
    r.properties
      .filter((p) => property === undefined || p.property === property)
      .flatMap((p) => p.violations.map((v) => v.message)),
  );
}
