// Address helpers with no I/O, for what reads a network's addresses without joining it
// (inspect's NetworkSettings, the bridge itself).

/** The MAC address Docker gives an IPv4 address on its bridges: 02:42 and the four octets. */
export const macOf = (ip: string) => ['02', '42', ...ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
