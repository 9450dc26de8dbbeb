-- fannkuch: the Computer Language Benchmarks Game's fannkuch-redux, single process.
-- Sizes: see fannkuch.py (`# suite:` line); default 9.
--
-- Source: fannkuchredux.lua ("fannkuch-redux Lua #1"), The Computer Language Benchmarks
-- Game, https://benchmarksgame-team.pages.debian.net/benchmarksgame/
-- (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/fannkuchredux/).
-- Contributed by Mike Pall.
-- Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
--
-- The algorithm is the reference's unchanged. Changes for the suite: the checksum and the
-- maximum flip count are compared with the reference output for N (table below) and
-- printed on one line as CHECKSUM/MAXFLIPS.

local function fannkuch(n)
  local p, q, s, sign, maxflips, sum = {}, {}, {}, 1, 0, 0
  for i=1,n do p[i] = i; q[i] = i; s[i] = i end
  repeat
    -- Copy and flip.
    local q1 = p[1]				-- Cache 1st element.
    if q1 ~= 1 then
      for i=2,n do q[i] = p[i] end		-- Work on a copy.
      local flips = 1
      repeat
        local qq = q[q1]
        if qq == 1 then				-- ... until 1st element is 1.
          sum = sum + sign*flips
          if flips > maxflips then maxflips = flips end -- New maximum?
          break
        end
        q[q1] = q1
        if q1 >= 4 then
          local i, j = 2, q1 - 1
          repeat q[i], q[j] = q[j], q[i]; i = i + 1; j = j - 1; until i >= j
        end
        q1 = qq; flips = flips + 1
      until false
    end
    -- Permute.
    if sign == 1 then
      p[2], p[1] = p[1], p[2]; sign = -1	-- Rotate 1<-2.
    else
      p[2], p[3] = p[3], p[2]; sign = 1		-- Rotate 1<-2 and 1<-2<-3.
      for i=3,n do
        local sx = s[i]
        if sx ~= 1 then s[i] = sx-1; break end
        if i == n then return sum, maxflips end	-- Out of permutations.
        s[i] = i
        -- Rotate 1<-...<-i+1.
        local t = p[1]; for j=1,i do p[j] = p[j+1] end; p[i+1] = t
      end
    end
  until false
end

-- Reference output (checksum, Pfannkuchen(n)) for each n.
local EXPECTED = {
  [3] = {2, 2}, [4] = {4, 4}, [5] = {11, 7}, [6] = {49, 10}, [7] = {228, 16},
  [8] = {1616, 22}, [9] = {8629, 30}, [10] = {73196, 38}, [11] = {556355, 51},
  [12] = {3968050, 65},
}

local n = tonumber(arg and arg[1]) or 9
local want = EXPECTED[n]
if not want then
  io.stderr:write(string.format("fannkuch FAILED: no reference output for n = %d\n", n))
  os.exit(1)
end
local sum, flips = fannkuch(n)
if sum ~= want[1] or flips ~= want[2] then
  io.stderr:write(string.format("fannkuch FAILED: checksum %d, max flips %d; want %d, %d\n",
    sum, flips, want[1], want[2]))
  os.exit(1)
end
io.write(string.format("fannkuch ok %d/%d\n", sum, flips))
