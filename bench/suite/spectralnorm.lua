-- spectralnorm: the Computer Language Benchmarks Game's spectral-norm, single process.
-- Sizes: see spectralnorm.py (`# suite:` line); default 300.
--
-- Source: spectralnorm.lua ("spectral-norm Lua #1"), The Computer Language Benchmarks Game,
-- https://benchmarksgame-team.pages.debian.net/benchmarksgame/
-- (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/spectralnorm/).
-- Contributed by Mike Pall.
-- Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
--
-- The algorithm is the reference's unchanged. Changes for the suite: the result, formatted
-- %0.9f as the reference writes it, is compared with the reference output for N (table
-- below) and printed on one line.

local function A(i, j)
  local ij = i+j-1
  return 1.0 / (ij * (ij-1) * 0.5 + i)
end

local function Av(x, y, N)
  for i=1,N do
    local a = 0
    for j=1,N do a = a + x[j] * A(i, j) end
    y[i] = a
  end
end

local function Atv(x, y, N)
  for i=1,N do
    local a = 0
    for j=1,N do a = a + x[j] * A(j, i) end
    y[i] = a
  end
end

local function AtAv(x, y, t, N)
  Av(x, t, N)
  Atv(t, y, N)
end

local function spectralnorm(N)
  local u, v, t = {}, {}, {}
  for i=1,N do u[i] = 1 end

  for i=1,10 do AtAv(u, v, t, N) AtAv(v, u, t, N) end

  local vBv, vv = 0, 0
  for i=1,N do
    local ui, vi = u[i], v[i]
    vBv = vBv + ui*vi
    vv = vv + vi*vi
  end
  return math.sqrt(vBv / vv)
end

-- Reference output (%0.9f) for each N.
local EXPECTED = {
  [50] = "1.274193837", [100] = "1.274219991", [150] = "1.274222873",
  [200] = "1.274223601", [250] = "1.274223867", [300] = "1.274223986",
  [400] = "1.274224081", [500] = "1.274224116", [1000] = "1.274224148",
  [5500] = "1.274224153",
}

local N = tonumber(arg and arg[1]) or 300
local want = EXPECTED[N]
if not want then
  io.stderr:write(string.format("spectralnorm FAILED: no reference output for N = %d\n", N))
  os.exit(1)
end
local got = string.format("%0.9f", spectralnorm(N))
if got ~= want then
  io.stderr:write(string.format("spectralnorm FAILED: %s, want %s\n", got, want))
  os.exit(1)
end
io.write(string.format("spectralnorm ok %s\n", got))
