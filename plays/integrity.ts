// The plan itself holds together: every parent and dependency names a resource of the plan, and no
// URN is registered twice (Pulumi refuses a duplicate URN). Guards plans edited by hand too.
import { play } from "./play";

export const integrity = play(
    { id: "plan-integrity", description: "every parent and dependency is a resource of the plan; no URN twice" },
    (view, problem) => {
        const problems = [];
        const seen = new Set<string>();
        for (const r of view.resources) {
            if (seen.has(r.urn)) problems.push(problem("registered twice: Pulumi refuses a duplicate URN", r.urn));
            seen.add(r.urn);
            if (r.parent && !view.byUrn.has(r.parent) && !r.parent.includes("::pulumi:pulumi:Stack::")) {
                problems.push(problem(`its parent ${r.parent} is not in the plan`, r.urn));
            }
            for (const dep of r.dependsOn) {
                if (!view.byUrn.has(dep)) problems.push(problem(`depends on ${dep}, which is not in the plan`, r.urn));
            }
        }
        return problems;
    },
);
