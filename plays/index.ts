// The offline checks of a plan, from one entry point: the plays (what AWS, EKS, Helm and the API
// server would do) and the policy rules (the guard rails). `npm run synth` runs them after the
// layers; `npm run policy -- --plan <file>` runs them on a given plan.
import { stacksOfPlan } from "../policy/plan";
import { evaluate, type Report } from "../policy/report";
import type { Plan } from "../synth/plan";
import { accessLogs } from "./accessLogs";
import { admission } from "./admission";
import { awsProviders } from "./awsProviders";
import { emptyValues } from "./emptyValues";
import { bringUp } from "./bringUp";
import { charts } from "./charts";
import { integrity } from "./integrity";
import { podIdentity } from "./podIdentity";
import { reachability } from "./reachability";
import { scheduling } from "./scheduling";
import { traffic } from "./traffic";
import type { Play, PlayProblem } from "./play";
import { PlanView } from "./view";

/** Every play, in the order their problems are reported. Add a play here. */
export const PLAYS: readonly Play[] = [integrity, awsProviders, reachability, scheduling, bringUp, charts, admission, traffic, podIdentity, accessLogs, emptyValues];

export function runPlays(plan: Plan, plays: readonly Play[] = PLAYS): PlayProblem[] {
    const view = new PlanView(plan);
    return plays.flatMap((p) => p.run(view));
}

export interface PlanCheck {
    problems: PlayProblem[];
    report: Report;
}

/** The plays and the policy rules over one plan. */
export function checkPlan(plan: Plan, plays: readonly Play[] = PLAYS): PlanCheck {
    return {
        problems: runPlays(plan, plays),
        report: evaluate(plan.environment, stacksOfPlan(plan, plan.tier === "production")),
    };
}
