// Generated valid environments for the scale curve: an environment file's teams and applications
// copied until there are N applications, each copy's team, namespaces, hosts and names renamed
// (`payments` -> `payments3`), so the copies are as valid as the originals. The environment keeps
// its name (write it as Pulumi.<base env>.yaml): team secrets and buckets are named after it.
import * as YAML from "yaml";
import { MAX_NODES_HEADROOM, nodesWithin } from "../lib/config/guards/tenancy";

type Entry = Record<string, unknown>;

/** `name` as a whole word (not inside another name): `search` in `search-api`, not in `research`. */
const wordOf = (names: string[]) => new RegExp(`(?<![a-z0-9])(${[...names].sort((a, b) => b.length - a.length).join("|")})(?![a-z0-9])`, "g");

function renamed<T>(value: T, pattern: RegExp, copy: number): T {
    return copy === 0 ? value : (JSON.parse(JSON.stringify(value).replace(pattern, `$1${copy}`)) as T);
}

/** The nodes the teams' own pools and the applications' dedicated pools may launch. */
function poolNodes(teams: Entry[], applications: Entry[]): number {
    type Pool = { instanceType: string; cpu?: number; limits?: { cpu: number } };
    const teamPools = teams.map((t) => t.nodePool as Pool | undefined).filter((p) => p !== undefined);
    const dedicated = applications.map((a) => a.dedicatedNode as Pool | undefined).filter((p) => p !== undefined);
    return [...teamPools.map((p) => nodesWithin(p.instanceType, p.cpu ?? 0)), ...dedicated.map((p) => nodesWithin(p.instanceType, p.limits?.cpu ?? 0))]
        .reduce((sum, n) => sum + n, 0);
}

/** The environment file's text with `apps` applications (and the teams they belong to). */
export function scaledEnvironment(text: string, apps: number): string {
    const doc = YAML.parse(text) as { config: Entry };
    const config = doc.config;
    const access = (config["platform:access"] ?? {}) as { teams?: Entry[] };
    const accessTeams = access.teams ?? [];
    const teamSettings = (config["platform:teams"] ?? []) as Entry[];
    const applications = (config["platform:applications"] ?? []) as Entry[];
    if (applications.length === 0) throw new Error("the environment has no applications to copy");
    const pattern = wordOf(accessTeams.map((t) => String(t.name)));
    const copies = Math.ceil(apps / applications.length);
    const range = Array.from({ length: copies }, (_, i) => i);
    const scaledTeams = range.flatMap((i) => renamed(teamSettings, pattern, i));
    const scaledApplications = range.flatMap((i) => renamed(applications, pattern, i)).slice(0, apps);
    config["platform:access"] = { ...access, teams: range.flatMap((i) => renamed(accessTeams, pattern, i)) };
    config["platform:teams"] = scaledTeams;
    config["platform:applications"] = scaledApplications;
    // The copies' own node pools are capacity the environment must plan for (the pools-within-capacity rule).
    const capacity = config["platform:capacity"] as { maxNodes?: number } | undefined;
    const added = poolNodes(scaledTeams, scaledApplications) - poolNodes(teamSettings, applications);
    if (capacity?.maxNodes !== undefined && added > 0) {
        config["platform:capacity"] = { ...capacity, maxNodes: capacity.maxNodes + Math.ceil(added / MAX_NODES_HEADROOM) };
    }
    return YAML.stringify(doc);
}
