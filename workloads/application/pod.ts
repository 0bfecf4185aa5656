// The container and its pod: non-root, a read-only root with a writable /tmp, probes, secrets as
// files, spread over zones, on its pool.
import type * as Input from "@pulumi/kubernetes/types/input";
import { createHash } from "crypto";
import { dedicatedPool } from "../../lib/placement";
import type { ApplicationSpec, ProbeSpec } from "../../lib/config/applications";
import { appPort, labelsOf, selectorLabels, type BuildContext } from "./manifest";

export const ZONE_KEY = "topology.kubernetes.io/zone";
export const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";

const SECRETS_VOLUME = "secrets";
const TMP_VOLUME = "tmp";
const writableVolume = (i: number): string => `writable-${i}`;
/** The volume (claim template) of a stateful application. */
export const DATA_VOLUME = "data";

/** The restricted Pod Security Standard, and a root filesystem nothing can write to. */
export function containerSecurityContext(): Input.core.v1.SecurityContext {
    return {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The image's non-root user; volumes belong to its group. */
export function podSecurityContext(app: ApplicationSpec): Input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: app.runAs.user,
        runAsGroup: app.runAs.group,
        fsGroup: app.runAs.group,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The checks a service or stateful application gets when config names none: TCP on its port. */
export function probesOf(app: ApplicationSpec): { readiness: ProbeSpec; liveness: ProbeSpec; startup: ProbeSpec } {
    const tcp = (p: Partial<ProbeSpec>): ProbeSpec => ({ tcp: {}, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, ...p });
    return {
        readiness: app.probes.readiness ?? tcp({ periodSeconds: 5 }),
        liveness: app.probes.liveness ?? tcp({ periodSeconds: 10, failureThreshold: 3 }),
        // Up to 5 minutes to start before liveness takes over.
        startup: app.probes.startup ?? tcp({ periodSeconds: 5, failureThreshold: 60 }),
    };
}

function probeOf(p: ProbeSpec, port: number): Input.core.v1.Probe {
    const timing = { initialDelaySeconds: p.initialDelaySeconds, periodSeconds: p.periodSeconds, timeoutSeconds: p.timeoutSeconds, failureThreshold: p.failureThreshold };
    return p.http
        ? { httpGet: { path: p.http.path, port: p.http.port ?? port }, ...timing }
        : { tcpSocket: { port: p.tcp?.port ?? port }, ...timing };
}

const hasProbes = (app: ApplicationSpec): boolean => app.kind === "service" || app.kind === "stateful";

export const configMapName = (app: ApplicationSpec): string => `${app.name}-config`;

/** A hash of the ConfigMap's data on the pod template: a config change rolls the pods. */
export const configChecksum = (app: ApplicationSpec): string => createHash("sha256").update(JSON.stringify(app.config)).digest("hex");

export function podAnnotations(app: ApplicationSpec): Record<string, string> {
    return Object.keys(app.config).length > 0 ? { "checksum/config": configChecksum(app) } : {};
}

export function containerOf(app: ApplicationSpec): Input.core.v1.Container {
    const probes = probesOf(app);
    const ports = [
        ...(app.port !== undefined ? [{ name: "http", containerPort: app.port, protocol: "TCP" }] : []),
        ...(app.metrics && app.metrics.port !== app.port ? [{ name: "metrics", containerPort: app.metrics.port, protocol: "TCP" }] : []),
    ];
    return {
        name: app.name,
        image: app.image,
        // Pinned references never change under a tag, so the node's copy is the right one.
        imagePullPolicy: "IfNotPresent",
        ...(app.command ? { command: app.command } : {}),
        ...(app.args ? { args: app.args } : {}),
        ...(ports.length > 0 ? { ports } : {}),
        env: Object.entries(app.env).map(([name, value]) => ({ name, value })),
        ...(Object.keys(app.config).length > 0 ? { envFrom: [{ configMapRef: { name: configMapName(app) } }] } : {}),
        resources: { requests: app.resources.requests, limits: app.resources.limits },
        securityContext: containerSecurityContext(),
        ...(hasProbes(app)
            ? { readinessProbe: probeOf(probes.readiness, appPort(app)), livenessProbe: probeOf(probes.liveness, appPort(app)), startupProbe: probeOf(probes.startup, appPort(app)) }
            : {}),
        volumeMounts: [
            { name: TMP_VOLUME, mountPath: "/tmp" },
            ...app.writablePaths.map((mountPath, i) => ({ name: writableVolume(i), mountPath })),
            ...(app.secrets.length > 0 ? [{ name: SECRETS_VOLUME, mountPath: app.secretsMountPath, readOnly: true }] : []),
            ...(app.storage ? [{ name: DATA_VOLUME, mountPath: app.storage.mountPath }] : []),
        ],
    };
}

export const priorityClassName = (app: ApplicationSpec): string | undefined =>
    typeof app.priorityClass === "string" ? app.priorityClass : app.priorityClass?.name;

/**
 * Pods spread evenly across zones: strictly in production (a pod waits for capacity in the right
 * zone rather than crowd one), as a preference elsewhere.
 */
export const zoneSpread = (app: ApplicationSpec, production: boolean): Input.core.v1.TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey: ZONE_KEY,
    whenUnsatisfiable: production ? "DoNotSchedule" : "ScheduleAnyway",
    labelSelector: { matchLabels: selectorLabels(app) },
});

/** The pod annotation naming its AWS identity mechanism (`pod-identity` or `irsa`). */
export const AWS_IDENTITY_ANNOTATION = "platform/aws-identity";

/** The pod: non-root, no API token unless asked, spread over zones, a writable /tmp, secrets as files. */
export function podTemplate(app: ApplicationSpec, ctx: BuildContext): Input.core.v1.PodTemplateSpec {
    const batch = app.kind === "job" || app.kind === "cronjob";
    const placement = app.dedicatedNode ? dedicatedPool(app.name) : ctx.placement;
    // How the pods get their AWS credentials: a change (IRSA to EKS Pod Identity) rolls them, after the
    // new identity exists, since either mechanism only reaches pods created after it. Not on a Job's
    // pods: its template is immutable, and a replaced Job would run again.
    const identity: Record<string, string> = ctx.identity && app.kind !== "job" ? { [AWS_IDENTITY_ANNOTATION]: ctx.identity.mechanism } : {};
    const annotations = { ...podAnnotations(app), ...identity };
    const priority = priorityClassName(app);
    return {
        metadata: { labels: labelsOf(app), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
        spec: {
            serviceAccountName: app.name,
            automountServiceAccountToken: app.serviceAccount.automountToken,
            securityContext: podSecurityContext(app),
            hostNetwork: false,
            hostPID: false,
            hostIPC: false,
            enableServiceLinks: false,
            ...(batch ? { restartPolicy: "Never" } : {}),
            ...(priority ? { priorityClassName: priority } : {}),
            ...(placement ? { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations } : {}),
            ...(batch ? {} : { topologySpreadConstraints: [zoneSpread(app, ctx.production)] }),
            terminationGracePeriodSeconds: 30,
            containers: [containerOf(app)],
            volumes: [
                { name: TMP_VOLUME, emptyDir: { sizeLimit: "256Mi" } },
                ...app.writablePaths.map((_, i) => ({ name: writableVolume(i), emptyDir: { sizeLimit: "1Gi" } })),
                ...(app.secrets.length > 0
                    ? [{ name: SECRETS_VOLUME, csi: { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: app.name } } }]
                    : []),
            ],
        },
    };
}
