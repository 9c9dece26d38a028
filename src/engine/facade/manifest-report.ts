// What `docker manifest inspect` shows: a manifest or an index as the registry sent it (the
// facade's RegistryEngine.inspectManifest).

/** One manifest as `docker manifest inspect` shows it: its name, descriptor and bytes. */
export interface ManifestReport {
  readonly kind: 'manifest';
  /** Full name: DOMAIN/PATH:TAG (an index's entries: …:TAG@DIGEST). */
  readonly ref: string;
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  /** The manifest as the registry sent it. */
  readonly raw: Buffer;
  /** From the index entry, or (verbose) from the image's config. */
  readonly platform?: { readonly architecture: string; readonly os: string; readonly variant?: string };
}

/** An index: its descriptors, and (verbose) each platform manifest fetched. */
export interface ManifestIndexReport extends Omit<ManifestReport, 'kind' | 'platform'> {
  readonly kind: 'index';
  readonly manifests: readonly {
    readonly mediaType: string;
    readonly size: number;
    readonly digest: string;
    readonly platform?: ManifestReport['platform'];
  }[];
  readonly entries: readonly ManifestReport[];
}

export type ManifestInspectReport = ManifestReport | ManifestIndexReport;
