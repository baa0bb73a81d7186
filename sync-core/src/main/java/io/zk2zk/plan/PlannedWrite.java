package io.zk2zk.plan;

import io.zk2zk.decide.AclEntry;
import java.util.List;

/**
 * One write of a {@link WritePlan}.
 *
 * @param id its position in the plan
 * @param requires the id of an earlier write that must have succeeded first, or -1: a copy needs
 *     its record, a record deleted after its copy needs the copy's delete
 * @param path the node written: for record writes, the path the record names
 * @param data the data to write (creates and setData), else null
 * @param acl the ACL ({@code --copyAcl}), or null for an open one
 * @param version the version a delete is conditional on (-1: any)
 */
public record PlannedWrite(
    int id,
    Purpose purpose,
    int requires,
    String path,
    byte[] data,
    List<AclEntry> acl,
    int version) {}
