-- The original driver app registers without a vehicle, or with only some of
-- its fields and never a year: a driver has at most one vehicles row, holding
-- whatever was given. Plate numbers stay unique where present. vehicle_type
-- is the driver app's free-text "vehicle type" (e.g. "Xe máy").
ALTER TABLE vehicles
    ALTER COLUMN make DROP NOT NULL,
    ALTER COLUMN model DROP NOT NULL,
    ALTER COLUMN color DROP NOT NULL,
    ALTER COLUMN year DROP NOT NULL,
    ALTER COLUMN plate_number DROP NOT NULL;
ALTER TABLE drivers ADD COLUMN vehicle_type text CHECK (length(vehicle_type) BETWEEN 1 AND 50);
