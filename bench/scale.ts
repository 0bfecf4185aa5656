// Generated valid environments for the scale curve: an environment file's teams and applications
// copied until there are N applications, each copy's team, namespaces, hosts and names renamed
// (`payments` -> `payments3`), so the copies are as valid as the originals.
import * as YAML from "yaml";

type Entry = Record<string, unknown>;

/** `name` as a whole word (not inside another name): `search` in `search-api`, not in `research`. */
const wordOf = (names: string[]) => new RegExp(`(?<![a-z0-9])(${[...names].sort((a, b) => b.length - a.length).join("|")})(?![a-z0-9])`, "g");

function renamed<T>(value: T, pattern: RegExp, copy: number): T {
    return copy === 0 ? value : (JSON.parse(JSON.stringify(value).replace(pattern, `$1${copy}`)) as T);
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
    config["platform:access"] = { ...access, teams: range.flatMap((i) => renamed(accessTeams, pattern, i)) };
    config["platform:teams"] = range.flatMap((i) => renamed(teamSettings, pattern, i));
    config["platform:applications"] = range.flatMap((i) => renamed(applications, pattern, i)).slice(0, apps);
    return YAML.stringify(doc);
}
