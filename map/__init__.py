"""Geography: where photos were taken, and (later) the sightings map."""
