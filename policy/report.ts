// Runs the rules over policy stacks and renders the compliance report.
import type { Finding, Rule, Severity } from "./rule";
import { RULES } from "./rules";
import type { LayerStack } from "./plan";

export interface ReportRow {
    rule: Rule;
    layer: string;
    finding: Finding;
}

export interface Report {
    environment: string;
    rules: readonly Rule[];
    rows: ReportRow[];
    /** Rules that found nothing to check in any layer. */
    notApplicable: Rule[];
}

export function evaluate(environment: string, stacks: LayerStack[], rules: readonly Rule[] = RULES): Report {
    const rows = rules.flatMap((rule) => stacks.flatMap(({ layer, stack }) => rule(stack).map((finding) => ({ rule, layer, finding }))));
    return { environment, rules, rows, notApplicable: rules.filter((r) => !rows.some((row) => row.rule === r)) };
}

export const violations = (report: Report, severity?: Severity): ReportRow[] =>
    report.rows.filter((r) => !r.finding.ok && (!severity || r.rule.severity === severity));

export function summaryLine(report: Report): string {
    const mandatory = violations(report, "mandatory").length;
    const advisory = violations(report, "advisory").length;
    const verdict = mandatory ? "FAIL" : "pass";
    return `policy ${verdict}: ${report.rules.length} rules, ${report.rows.length} checks, ${mandatory} mandatory and ${advisory} advisory violation(s)`;
}

/** `type::name` of a URN, the readable part. */
const resourceOf = (urn: string) => {
    const parts = urn.split("::");
    return `${parts[2]?.split("$").pop()} ${parts[3]}`;
};

export function formatReport(report: Report, onlyViolations = false): string {
    const lines = [`# compliance report: ${report.environment}`, ""];
    for (const rule of report.rules) {
        const rows = report.rows.filter((r) => r.rule === rule && (!onlyViolations || !r.finding.ok));
        if (onlyViolations && !rows.length) continue;
        lines.push(`${rule.id} [${rule.severity}] ${rule.description}`, `  reference: ${rule.reference}`);
        if (!rows.length) lines.push("  n/a    nothing to check in this environment");
        for (const { layer, finding } of rows) {
            const verdict = finding.ok ? "pass" : rule.severity === "mandatory" ? "FAIL" : "warn";
            lines.push(`  ${verdict.padEnd(5)}  ${layer.padEnd(9)}  ${resourceOf(finding.urn)}: ${finding.message}`);
        }
        lines.push("");
    }
    lines.push(summaryLine(report));
    return lines.join("\n");
}

/** The report for machines (`--json`): the verdict, the counts and every finding. */
export function reportJson(report: Report) {
    const mandatory = violations(report, "mandatory").length;
    return {
        environment: report.environment,
        verdict: mandatory ? "fail" : "pass",
        rules: report.rules.length,
        checks: report.rows.length,
        violations: { mandatory, advisory: violations(report, "advisory").length },
        findings: report.rows.map(({ rule, layer, finding }) => ({ rule: rule.id, severity: rule.severity, layer, urn: finding.urn, ok: finding.ok, message: finding.message })),
        notApplicable: report.notApplicable.map((r) => r.id),
    };
}
