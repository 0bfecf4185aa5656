// Chart truth: every Helm release installs a chart version that exists, from where that chart is
// published, with values the chart reads. Helm ignores a values key the chart does not know and
// `helm install` of a version that does not exist fails only at deploy time, so each release is
// checked against the chart's own files at that version, as published upstream
// (../shared/charts/<chart>-<version>/: values.yaml, Chart.yaml, values.schema.json, SOURCE):
// - the snapshot exists (an exact version, else the version cannot be verified, or does not exist);
// - the release's repository is where SOURCE says the chart is published, or the configured chart mirror;
// - every values path set exists in the chart's defaults (subcharts' under their name or alias),
//   or sits below a free-form key (a map or list whose default is empty, or a documented one);
// - the values merged over the defaults validate against values.schema.json, as Helm does.
// Without ../shared/charts (a user's own clone) nothing is checked and the synth says so.
import Ajv, { type ValidateFunction } from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import deepmerge from "deepmerge";
import * as fs from "fs";
import * as path from "path";
import { readYamlFile } from "../lib/yamlFile";
import { CRD_ROOT, crdProblems } from "../lib/crds";
import { REPO_ROOT } from "../lib/layers";
import { play, type Play, type PlayProblem } from "./play";
import type { PlanView, ViewResource } from "./view";

/** Where the snapshots live: ../shared/charts beside the repository (as in CI). */
export const CHARTS_ROOT = path.resolve(REPO_ROOT, "..", "shared", "charts");

/** How to get snapshots where the internet is reachable. */
export const CHART_SNAPSHOT_HINT = "bash scripts/chart-snapshots.sh ../shared/charts (helm show values/chart, helm pull: needs Helm and the internet)";

/**
 * Keys whose contents a chart passes through as they are (the charts README: maps whose default is
 * `{}` or `[]`, or documented as free-form): below them any path is the user's.
 */
export const FREE_FORM_KEYS = new Set([
    "podAnnotations", "podLabels", "annotations", "labels", "nodeSelector", "tolerations", "affinity", "resources",
    "extraArgs", "env", "extraEnv", "securityContext", "podSecurityContext", "containerSecurityContext", "topologySpreadConstraints",
]);

/** What a snapshot holds. */
export interface ChartSnapshot {
    dir: string;
    defaults: Record<string, unknown>;
    /** values.yaml as written: its comments document keys that are off by default. */
    text: string;
    /** Dotted paths the chart's own templates in values.yaml pass through as they are (`toYaml .Values.<path>`). */
    passedThrough: Set<string>;
    /** Subcharts by the key their values sit under (alias or name), with their own snapshot when present. */
    subcharts: Map<string, { name: string; version: string; snapshot?: ChartSnapshot }>;
    /** Where the chart is published (SOURCE's "published at/as" notes): HTTPS repositories and OCI references. */
    published: string[];
    schema?: ValidateFunction;
    /** The defaults with the subcharts' merged in (effectiveDefaults), once computed. */
    effective?: Record<string, unknown>;
}

const options = { allErrors: true, strict: false, validateFormats: false };
const ajv = new Ajv(options);
const ajv2019 = new Ajv2019(options);
const ajv2020 = new Ajv2020(options);

/** A chart's values.schema.json, by the draft it names (draft-07 is Ajv's own, however the URL is spelt). */
function compileSchema(schema: Tree): ValidateFunction {
    const draft = String(schema.$schema ?? "");
    if (draft.includes("2020-12")) return ajv2020.compile(schema);
    if (draft.includes("2019-09")) return ajv2019.compile(schema);
    const { $schema: _, ...rest } = schema;
    return ajv.compile(rest);
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

/** The chart name of a release's chart reference (`name`, `oci://host/path/name`, `<mirror>/name`). */
export const chartNameOf = (chart: string): string => chart.slice(chart.lastIndexOf("/") + 1);

/** "published at X and Y (why); ..." lines of SOURCE, as locations (parenthesized remarks and later clauses dropped). */
export function publishedLocations(source: string): string[] {
    return source
        .split("\n")
        .filter((l) => /^note: published (at|as) /.test(l))
        .flatMap((l) => {
            let text = l;
            // Remarks in parentheses may name old locations ("README stopped naming ..."): drop them, innermost first.
            while (/\([^()]*\)/.test(text)) text = text.replace(/\([^()]*\)/g, "");
            const clause = text.split(";")[0];
            return clause.match(/(https?|oci):\/\/[^\s,]+/g) ?? [];
        });
}

const normalize = (location: string): string => location.replace(/\/+$/, "");

/** Whether a release's chart reference and repository are where the chart is published. */
export function isPublishedAt(published: string[], chart: string, repository: string | undefined): boolean {
    const name = chartNameOf(chart);
    return published.some((p) => {
        const location = normalize(p);
        if (location.startsWith("oci://")) {
            if (repository || !chart.startsWith("oci://")) return false;
            // `oci://host/path` (a registry the chart is pushed to) or `oci://host/path/name:version`.
            const withoutTag = location.replace(/:[^/:]+$/, "");
            return normalize(chart) === withoutTag || normalize(chart) === `${withoutTag}/${name}`;
        }
        return repository !== undefined && normalize(repository) === location && chart === name;
    });
}

/** Reads `<root>/<chart>-<version>`, or undefined when there is no such snapshot. */
export function readSnapshot(root: string, chart: string, version: string): ChartSnapshot | undefined {
    const dir = [version, version.replace(/^v/, ""), `v${version}`].map((v) => path.join(root, `${chart}-${v}`)).find((d) => fs.existsSync(path.join(d, "values.yaml")));
    if (!dir) return undefined;
    const text = fs.readFileSync(path.join(dir, "values.yaml"), "utf8");
    const defaults = (readYamlFile(path.join(dir, "values.yaml")) ?? {}) as Tree;
    const chartFile = path.join(dir, "Chart.yaml");
    const meta = (fs.existsSync(chartFile) ? readYamlFile(chartFile) : {}) as { dependencies?: { name: string; alias?: string; version: string }[] };
    const subcharts = new Map<string, { name: string; version: string; snapshot?: ChartSnapshot }>();
    for (const d of meta.dependencies ?? []) {
        subcharts.set(d.alias ?? d.name, { name: d.name, version: d.version, snapshot: readSnapshot(root, d.name, String(d.version)) });
    }
    const sourceFile = path.join(dir, "SOURCE");
    const published = fs.existsSync(sourceFile) ? publishedLocations(fs.readFileSync(sourceFile, "utf8")) : [];
    const schemaFile = path.join(dir, "values.schema.json");
    const schema = fs.existsSync(schemaFile) ? compileSchema(JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Tree) : undefined;
    return { dir, defaults, text, passedThrough: passedThrough(text), subcharts, published, schema };
}

/**
 * The snapshots read in this process, by folder and pin: a snapshot is a published chart's files,
 * which never change, and parsing them (values, schema) is most of the play's cost.
 */
const snapshots = new Map<string, ChartSnapshot | undefined>();

function snapshotOf(root: string, chart: string, version: string): ChartSnapshot | undefined {
    const key = `${path.resolve(root)}|${chart}@${version}`;
    if (!snapshots.has(key)) snapshots.set(key, readSnapshot(root, chart, version));
    return snapshots.get(key);
}

/**
 * Paths a chart renders with `toYaml` as they are (e.g. Loki's `loki.limits_config`, templated in its
 * values.yaml): below them the keys are the application's own configuration.
 */
export function passedThrough(text: string): Set<string> {
    const lines = text.split("\n");
    const paths = new Set<string>();
    lines.forEach((line, i) => {
        for (const m of line.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
            if (/toYaml/.test(line) || (/\bwith\b/.test(line) && lines.slice(i + 1, i + 4).some((l) => /toYaml \.|\. \| toYaml/.test(l)))) paths.add(m[1]);
        }
    });
    return paths;
}

/** Whether values.yaml documents `key` in a comment at the depth of `keys` (a default left commented out, e.g. `# bucketNames:`). */
export function documentedInComment(text: string, keys: string[]): boolean {
    const key = keys[keys.length - 1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`^ {${2 * (keys.length - 1)}}#\\s*${key}:`, "m").test(text);
}

/** Whether the chart (or the subchart the path leads into) documents the path's last key in a comment. */
export function isDocumented(s: ChartSnapshot, keys: string[]): boolean {
    if (documentedInComment(s.text, keys)) return true;
    const sub = keys.length > 1 ? s.subcharts.get(keys[0])?.snapshot : undefined;
    return sub !== undefined && isDocumented(sub, keys.slice(1));
}

/** Whether the chart (or a subchart) renders the path as it is. */
export function isPassedThrough(s: ChartSnapshot, keys: string[]): boolean {
    if (s.passedThrough.has(keys.join("."))) return true;
    const sub = keys.length > 1 ? s.subcharts.get(keys[0])?.snapshot : undefined;
    return sub !== undefined && isPassedThrough(sub, keys.slice(1));
}

/** The chart's defaults with each subchart's defaults under its key (the parent's values win, as in Helm). */
export function effectiveDefaults(s: ChartSnapshot): Tree {
    const merged: Tree = { ...s.defaults };
    for (const [key, sub] of s.subcharts) {
        if (!sub.snapshot) continue;
        const own = isTree(s.defaults[key]) ? (s.defaults[key] as Tree) : {};
        merged[key] = deepmerge(effectiveDefaults(sub.snapshot), own, { arrayMerge: (_, source: unknown[]) => source });
    }
    return merged;
}

/** Every leaf path of a values tree (arrays are leaves: a list replaces the default as a whole). */
export function leafPaths(values: unknown, prefix: string[] = []): string[][] {
    if (!isTree(values) || (Object.keys(values).length === 0 && prefix.length > 0)) return [prefix];
    return Object.entries(values).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/** Why a values path is not one the chart reads, or undefined. */
export function pathProblem(defaults: Tree, keys: string[], subchartsWithoutSnapshot: string[] = [], snapshot?: ChartSnapshot): string | undefined {
    let node: unknown = defaults;
    for (const [i, key] of keys.entries()) {
        if (i > 0 && FREE_FORM_KEYS.has(keys[i - 1])) return undefined;
        if (i > 0 && snapshot && isPassedThrough(snapshot, keys.slice(0, i))) return undefined;
        if (!isTree(node)) {
            // A default of null is unset: the chart takes whatever is given there.
            if (node === null || node === undefined) return undefined;
            return `${keys.slice(0, i).join(".")} is ${Array.isArray(node) ? "a list" : `a ${typeof node}`} in the chart's defaults, not a map`;
        }
        if (!(key in node)) {
            if (i === 0 && subchartsWithoutSnapshot.includes(key)) return `the subchart under "${key}" has no snapshot to check it against`;
            if (i > 0 && Object.keys(node).length === 0) return undefined; // an empty map: free-form
            if (snapshot && isDocumented(snapshot, keys.slice(0, i + 1))) return undefined;
            return `"${keys.slice(0, i + 1).join(".")}" is not a key of the chart's defaults${i > 0 ? ` (${keys.slice(0, i).join(".")} has ${Object.keys(node).slice(0, 12).join(", ")}${Object.keys(node).length > 12 ? ", ..." : ""})` : ""}`;
        }
        node = node[key];
    }
    return undefined;
}

export interface ChartsPlayOptions {
    /** The snapshots' folder; default ../shared/charts. */
    root?: string;
    /** The upstream CRDs' folder; default ../shared/crds. */
    crdRoot?: string;
}

/**
 * Values a chart renders as a custom resource's spec (all of the key but `enabled`): checked against
 * the CRD rather than the defaults. tigera-operator: templates/crs/custom-resources.yaml renders
 * `installation` as the Installation spec and `apiServer` as the APIServer spec.
 */
export const CUSTOM_RESOURCE_VALUES: Record<string, Record<string, { folder: string; apiVersion: string; kind: string }>> = {
    "tigera-operator": {
        installation: { folder: "calico-3.32", apiVersion: "operator.tigera.io/v1", kind: "Installation" },
        apiServer: { folder: "calico-3.32", apiVersion: "operator.tigera.io/v1", kind: "APIServer" },
    },
};

/** The play over one snapshot folder (tests point it elsewhere). */
export function chartsPlay(options: ChartsPlayOptions = {}): Play {
    const root = options.root ?? CHARTS_ROOT;
    const crdRoot = options.crdRoot ?? CRD_ROOT;
    return play(
        { id: "chart-truth", description: "every release's chart version exists, comes from where it is published, and its values are the chart's" },
        (view, problem) => {
            if (!fs.existsSync(root)) return [];
            return view.releases().flatMap((release): PlayProblem[] => {
                const name = chartNameOf(release.chart);
                const at = `Helm release ${release.namespace ?? "?"}/${release.name}`;
                if (!release.version) return [problem(`chart ${name} has no version: pin an exact version`, at)];
                const snapshot = snapshotOf(root, name, release.version);
                if (!snapshot) {
                    return [problem(`chart ${name} ${release.version} has no snapshot in ${root} (${name}-${release.version}/): a version that cannot be verified offline, or does not exist; pin a version that has one`, at)];
                }
                const problems: PlayProblem[] = [];
                const mirror = mirrorOf(view, release.resource);
                const fromMirror = mirror !== undefined && normalize(release.chart) === `${normalize(mirror)}/${name}`;
                if (!fromMirror && !isPublishedAt(snapshot.published, release.chart, release.repository)) {
                    problems.push(problem(`chart ${release.repository ? `${release.chart} from ${release.repository}` : release.chart} is not where ${name} is published (${snapshot.published.join(", ") || "SOURCE names no location"}; ${path.join(snapshot.dir, "SOURCE")})`, at));
                }
                const defaults = (snapshot.effective ??= effectiveDefaults(snapshot));
                const missing = [...snapshot.subcharts].filter(([, s]) => !s.snapshot).map(([k]) => k);
                const specs = CUSTOM_RESOURCE_VALUES[name] ?? {};
                for (const [key, cr] of Object.entries(specs)) {
                    const value = release.values[key];
                    if (!isTree(value) || value.enabled === false || !fs.existsSync(crdRoot)) continue;
                    const { enabled: _, ...spec } = value;
                    for (const why of crdProblems(cr.folder, { apiVersion: cr.apiVersion, kind: cr.kind, spec }, crdRoot)) {
                        problems.push(problem(`values ${key} are the ${cr.kind} spec the chart renders, and ${cr.kind} refuses it: spec${why} (CRD in ${path.join(crdRoot, cr.folder)})`, at));
                    }
                }
                for (const keys of leafPaths(release.values)) {
                    if (keys.length === 0 || keys[0] in specs) continue;
                    const why = pathProblem(defaults, keys, missing, snapshot);
                    if (why) problems.push(problem(`values path ${keys.join(".")}: ${why} of ${name} ${release.version}; Helm would ignore it`, at));
                }
                if (snapshot.schema) {
                    const merged = deepmerge(snapshot.defaults, release.values, { arrayMerge: (_, source: unknown[]) => source });
                    if (!snapshot.schema(merged)) {
                        for (const e of snapshot.schema.errors ?? []) problems.push(problem(`values ${e.instancePath || "/"} ${e.message} (values.schema.json of ${name} ${release.version}: Helm refuses the install)`, at));
                    }
                }
                return problems;
            });
        },
    );
}

/** The chart mirror the release's component was given (`platform:charts.mirror`), if any. */
function mirrorOf(view: PlanView, release: ViewResource): string | undefined {
    const parent = release.parent ? view.byUrn.get(release.parent) : undefined;
    const mirror = parent?.inputs.chartMirror;
    return typeof mirror === "string" && mirror ? mirror : undefined;
}

export const charts = chartsPlay();

/** What the synth says when it could not check the charts (a clone without ../shared/charts). */
export function chartCheckNotice(root = CHARTS_ROOT): string | undefined {
    return fs.existsSync(root)
        ? undefined
        : `the chart check was skipped: no chart snapshots in ${root}. Get them with ${CHART_SNAPSHOT_HINT}, or check out ../shared beside this repository`;
}
