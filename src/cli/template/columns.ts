// docker's list formats (docker/cli cli/command/formatter): the row type named in template
// errors, each field's column header, and the default table. Pass one of these to
// printRows/formatRows with rows whose fields carry these names.
import type { RowsOptions } from './index.js';

/** `docker ps` rows (formatter.ContainerContext). Label is a method: {{.Label "k"}}. */
export const psColumns: RowsOptions = {
  typeName: '*formatter.ContainerContext',
  headers: {
    ID: 'CONTAINER ID',
    Image: 'IMAGE',
    Command: 'COMMAND',
    CreatedAt: 'CREATED AT',
    RunningFor: 'CREATED',
    Ports: 'PORTS',
    State: 'STATE',
    Status: 'STATUS',
    Size: 'SIZE',
    Names: 'NAMES',
    Labels: 'LABELS',
    Mounts: 'MOUNTS',
    LocalVolumes: 'LOCAL VOLUMES',
    Networks: 'NETWORKS',
    Platform: 'PLATFORM',
  },
  defaultTable: '{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}',
};

/** `docker images` rows (formatter.imageContext). */
export const imagesColumns: RowsOptions = {
  typeName: '*formatter.imageContext',
  headers: {
    ID: 'IMAGE ID',
    Repository: 'REPOSITORY',
    Tag: 'TAG',
    Digest: 'DIGEST',
    CreatedSince: 'CREATED',
    CreatedAt: 'CREATED AT',
    Size: 'SIZE',
    Containers: 'CONTAINERS',
    SharedSize: 'SHARED SIZE',
    UniqueSize: 'UNIQUE SIZE',
    VirtualSize: 'SIZE',
  },
  defaultTable: '{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}',
};

/** `docker volume ls` rows (formatter.volumeContext). */
export const volumeColumns: RowsOptions = {
  typeName: '*formatter.volumeContext',
  headers: {
    Name: 'VOLUME NAME',
    Driver: 'DRIVER',
    Scope: 'SCOPE',
    Mountpoint: 'MOUNTPOINT',
    Labels: 'LABELS',
    Links: 'LINKS',
    Size: 'SIZE',
    Group: 'GROUP',
    Availability: 'AVAILABILITY',
    Status: 'STATUS',
  },
  defaultTable: '{{.Driver}}\t{{.Name}}',
};

/** `docker history` rows (formatter.historyContext). */
export const historyColumns: RowsOptions = {
  typeName: '*formatter.historyContext',
  headers: {
    ID: 'IMAGE',
    CreatedSince: 'CREATED',
    CreatedAt: 'CREATED AT',
    CreatedBy: 'CREATED BY',
    Size: 'SIZE',
    Comment: 'COMMENT',
  },
  defaultTable: '{{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
};

/** `docker network ls` rows (formatter.networkContext). */
export const networkColumns: RowsOptions = {
  typeName: '*formatter.networkContext',
  headers: {
    ID: 'NETWORK ID',
    Name: 'NAME',
    Driver: 'DRIVER',
    Scope: 'SCOPE',
    IPv6: 'IPV6',
    Internal: 'INTERNAL',
    CreatedAt: 'CREATED AT',
    Labels: 'LABELS',
  },
  defaultTable: '{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
};

/**
 * `docker search` rows (formatter.searchContext). `{{json .}}` marshals its methods' strings,
 * keys sorted, the booleans as "true"/"false" there (docker's formatBool with json set), not "[OK]"/"".
 */
export const searchColumns: RowsOptions = {
  typeName: '*formatter.searchContext',
  headers: {
    Name: 'NAME',
    Description: 'DESCRIPTION',
    StarCount: 'STARS',
    IsOfficial: 'OFFICIAL',
    IsAutomated: 'AUTOMATED',
  },
  defaultTable: '{{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}\t{{.IsAutomated}}',
  json: (row) => ({
    Description: row.Description,
    IsAutomated: row.IsAutomated === '[OK]' ? 'true' : 'false',
    IsOfficial: row.IsOfficial === '[OK]' ? 'true' : 'false',
    Name: row.Name,
    StarCount: row.StarCount,
  }),
};

/** `search --list-tags` rows: podman's NAME and TAG (its ImageSearchReport with Tag set). */
export const searchTagColumns: RowsOptions = {
  typeName: '*entities.ImageSearchReport',
  headers: { Name: 'NAME', Tag: 'TAG' },
  defaultTable: '{{.Name}}\t{{.Tag}}',
};
