-- Are We Fast Yet: Sieve, for mpscript's benchmark suite (see bench/README.md).
-- Ported from benchmarks/Lua/sieve.lua and benchmark.lua of
-- https://github.com/smarr/are-we-fast-yet (commit 50e34b1), whose header follows.
--
-- This code is derived from the SOM benchmarks, see AUTHORS.md file.
--
-- Copyright (c) 2016 Francois Perrad <francois.perrad@gadz.org>
--
-- Permission is hereby granted, free of charge, to any person obtaining a copy
-- of this software and associated documentation files (the 'Software'), to deal
-- in the Software without restriction, including without limitation the rights
-- to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
-- copies of the Software, and to permit persons to whom the Software is
-- furnished to do so, subject to the following conditions:
--
-- The above copyright notice and this permission notice shall be included in
-- all copies or substantial portions of the Software.
--
-- THE SOFTWARE IS PROVIDED 'AS IS', WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
-- IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
-- FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
-- AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
-- LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
-- OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
-- THE SOFTWARE.

local sieve = {} do

function sieve:benchmark ()
    local flags = {}
    for i = 1, 5000 do
        flags[i] = true
    end
    return self.sieve(flags, 5000)
end

function sieve:verify_result (result)
    return result == 669
end

function sieve.sieve (flags, size)
    local prime_count = 0
    for i = 2, size do
        if flags[i - 1] then
            prime_count = prime_count + 1
            local k = i + i
            while k <= size do
                flags[k - 1] = false
                k = k + i
            end
        end
    end
    return prime_count
end

end -- object sieve

-- benchmark.lua's inner_benchmark_loop, keeping the last result to print it
local size = tonumber(arg[1]) or 1000
local result
for _ = 1, size do
    result = sieve:benchmark()
    if not sieve:verify_result(result) then
        io.stderr:write(('sieve FAILED: result %s\n'):format(tostring(result)))
        os.exit(1)
    end
end
print(('sieve ok %s'):format(tostring(result)))
