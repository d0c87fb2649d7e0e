DROP TABLE control_plane_leases;
