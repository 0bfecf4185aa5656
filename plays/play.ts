// What a play is: a small, pure function over the whole plan that plays what AWS, EKS, Helm or the
// API server would do, and reports what they would refuse or what would not work. Any problem
// fails the synth (nothing is written) and the tests, like a config error.
import type { PlanView } from "./view";

export interface PlayProblem {
    /** The play's id, e.g. `reachability`. */
    play: string;
    /** The resource it is about: a URN, or a readable `kind namespace/name`. */
    resource?: string;
    /** What would go wrong, naming the rule, and how to fix it. */
    message: string;
}

export interface Play {
    /** Stable id, e.g. `bring-up-order`. */
    id: string;
    /** What the play checks, in one line. */
    description: string;
    run(view: PlanView): PlayProblem[];
}

/** Builds a play; `problem(...)` in its body makes problems carrying its id. */
export function play(
    info: Omit<Play, "run">,
    run: (view: PlanView, problem: (message: string, resource?: string) => PlayProblem) => PlayProblem[],
): Play {
    return { ...info, run: (view) => run(view, (message, resource) => ({ play: info.id, resource, message })) };
}

/** `type::name` of a URN, the readable part (`aws:ec2/securityGroup:SecurityGroup cluster-sg`). */
export function readableUrn(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? `${parts[2]?.split("$").pop()} ${parts[3]}` : urn;
}

export function formatProblem(p: PlayProblem): string {
    const where = p.resource ? `${p.resource.startsWith("urn:") ? readableUrn(p.resource) : p.resource}: ` : "";
    return `[${p.play}] ${where}${p.message}`;
}
