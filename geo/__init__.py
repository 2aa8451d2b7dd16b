"""Map geometry for the explorer: boundaries obtained at run time, and a tile-map fallback."""
